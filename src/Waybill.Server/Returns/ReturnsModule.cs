using Waybill.Server.Platform;

namespace Waybill.Server.Returns;

/// <summary>
/// The Returns module's face: return orders (RMA). Their money and stock go through the Orders module's change orders and
/// restock and the Payments module's credit memos, in the same transaction (decision 0035).
/// </summary>
public static class ReturnsModule
{
    /// <summary>Nothing of its own to register: the services it uses belong to Orders and Payments.</summary>
    public static IServiceCollection AddReturns(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapReturns(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/api/v1/orders").WithTags("Returns").WithStandardProblems();
        orders.MapSubmitReturnOrder();
        var returnOrders = routes.MapGroup("/api/v1/return-orders").WithTags("Returns").WithStandardProblems();
        returnOrders.MapListReturnOrders();
        returnOrders.MapGetReturnOrder();
        returnOrders.MapApproveReturnOrder();
        returnOrders.MapCancelReturnOrder();
        returnOrders.MapReceiveReturnOrder();
        return routes;
    }
}
