using Microsoft.AspNetCore.Authorization;

namespace Waybill.Server.Platform.ApiKeys;

/// <summary>What each role may do (api.md "Auth"). Endpoints name a policy, never a role.</summary>
public static class Policies
{
    public const string CaptureOrders = "capture-orders";
    public const string ReadOrders = "read-orders";
    public const string ActOnOrders = "act-on-orders";
    public const string Read = "read";
    public const string Admin = "admin";
    public const string Reserve = "reserve";
    public const string ReadAvailability = "read-availability";
    public const string HandleProcessExceptions = "handle-process-exceptions";

    public static AuthorizationBuilder AddWaybillPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(CaptureOrders, p => p.RequireRole(Names(Role.Storefront, Role.Agent, Role.Admin)))
        // Storefront keys read their orders only: the order endpoints narrow them to orders they captured (OrderScope).
        .AddPolicy(ReadOrders, p => p.RequireRole(Names(Role.Viewer, Role.Storefront, Role.Agent, Role.Finance, Role.Admin)))
        .AddPolicy(ActOnOrders, p => p.RequireRole(Names(Role.Agent, Role.Admin)))
        .AddPolicy(Read, p => p.RequireRole(Names(Role.Viewer, Role.Agent, Role.Finance, Role.Admin)))
        .AddPolicy(Admin, p => p.RequireRole(Names(Role.Admin)))
        // Storefronts hold stock for carts and read what is available; agents may do what storefronts may.
        .AddPolicy(Reserve, p => p.RequireRole(Names(Role.Storefront, Role.Agent, Role.Admin)))
        .AddPolicy(ReadAvailability, p => p.RequireRole(Names(Role.Viewer, Role.Storefront, Role.Agent, Role.Finance, Role.Admin)))
        // Customer service works the exceptions; viewers and finance read them (Read).
        .AddPolicy(HandleProcessExceptions, p => p.RequireRole(Names(Role.Agent, Role.Admin)));

    private static string[] Names(params Role[] roles) => Array.ConvertAll(roles, r => r.ToString());
}
