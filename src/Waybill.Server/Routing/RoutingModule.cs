using Waybill.Server.Automation.Flows;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Routing;

/// <summary>
/// The Routing module's face. For now the solver on its own (<c>POST /routing/plan</c>); routing orders into fulfillment
/// orders builds on the same <see cref="Waybill.Domain.Routing.Router"/>.
/// Named <c>AddOrderRouting</c>/<c>MapOrderRouting</c>: ASP.NET Core already has an <c>AddRouting</c> on the same type.
/// </summary>
public static class RoutingModule
{
    public static IServiceCollection AddOrderRouting(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RoutingOptions>(configuration.GetSection("Routing"));
        services.AddScoped<OrderRouter>();
        services.AddJobHandler<RoutingRetryJob>();
        services.AddFlowAction<RouteFlowAction>();
        services.AddFlowAction<RouteBackorderedFlowAction>();
        return services;
    }

    public static IEndpointRouteBuilder MapOrderRouting(this IEndpointRouteBuilder routes)
    {
        var routing = routes.MapGroup("/api/v1/routing").WithTags("Routing").WithStandardProblems();
        routing.MapPlanRoute();
        routing.MapSimulateRouting();
        var orders = routes.MapGroup("/api/v1/orders").WithTags("Orders").WithStandardProblems();
        orders.MapRouteOrder();
        orders.MapListRoutingAttempts();
        return routes;
    }
}
