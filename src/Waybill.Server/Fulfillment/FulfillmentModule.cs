using Microsoft.AspNetCore.Authorization;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Fulfillment;

/// <summary>The Fulfillment module's face: fulfillment orders and what a location does with them.</summary>
public static class FulfillmentModule
{
    /// <summary>Every reading role, and fulfillment keys (limited to their locations).</summary>
    public const string ReadPolicy = "read-fulfillment";
    /// <summary>Locations (fulfillment keys, for their own), customer service and admins.</summary>
    public const string ActPolicy = "act-on-fulfillment";

    public static IServiceCollection AddFulfillment(this IServiceCollection services)
    {
        services.AddScoped<FulfillmentActions>();
        services.AddScoped<ReturnedStock>();
        services.AddScoped<ShippedStock>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireRole(nameof(Role.Viewer), nameof(Role.Agent), nameof(Role.Finance), nameof(Role.Admin), nameof(Role.Fulfillment)))
            .AddPolicy(ActPolicy, p => p.RequireRole(nameof(Role.Agent), nameof(Role.Admin), nameof(Role.Fulfillment)));
        return services;
    }

    public static IEndpointRouteBuilder MapFulfillment(this IEndpointRouteBuilder routes)
    {
        var fulfillmentOrders = routes.MapGroup("/api/v1/fulfillment-orders").WithTags("Fulfillment").WithStandardProblems();
        fulfillmentOrders.MapListFulfillmentOrders();
        fulfillmentOrders.MapGetFulfillmentOrder();
        fulfillmentOrders.MapAcceptFulfillmentOrder();
        fulfillmentOrders.MapStartPicking();
        fulfillmentOrders.MapRejectLines();
        fulfillmentOrders.MapCancelLines();
        fulfillmentOrders.MapShipFulfillmentOrder();
        fulfillmentOrders.MapReadyForPickup();
        fulfillmentOrders.MapPickedUp();
        var shipments = routes.MapGroup("/api/v1/shipments").WithTags("Fulfillment").WithStandardProblems();
        shipments.MapGetShipment();
        shipments.MapAddTrackingEvent();
        return routes;
    }
}
