using Waybill.Server.Customers;
using Waybill.Server.Orders.Changes;
using Waybill.Server.Platform;

namespace Waybill.Server.Orders;

/// <summary>The Orders module's face: its services and its routes.</summary>
public static class OrdersModule
{
    public static IServiceCollection AddOrders(this IServiceCollection services) => services
        .AddScoped<CustomerDirectory>()
        .AddSingleton<KnownCustomers>()
        .AddScoped<OrderOperations>()
        .AddScoped<OrderActions>()
        .AddScoped<CanceledStock>()
        .AddScoped<ReturnRestock>()
        .AddScoped<ChangeSubmit>();

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/api/v1/orders").WithTags("Orders").WithStandardProblems();
        orders.MapCaptureOrder();
        orders.MapListOrders();
        orders.MapGetOrder();
        orders.MapGetOrderHistory();
        orders.MapApproveOrder();
        orders.MapHoldOrder();
        orders.MapReleaseHold();
        orders.MapCancelItems();
        orders.MapReturnItems();
        orders.MapExchangeItems();
        orders.MapAdjustItems();
        orders.MapAdjustDelivery();
        return routes;
    }
}
