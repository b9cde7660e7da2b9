using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.OrderPayments;

/// <summary><c>GET /api/v1/orders/{id}/payments</c> (api.md): summaries and the interaction log.</summary>
public static class GetOrderPayments
{
    public static RouteHandlerBuilder MapGetOrderPayments(this RouteGroupBuilder orders) => orders
        .MapGet("/{id}/payments", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetOrderPayments");

    public static async Task<Ok<OrderPaymentsResponse>> Handle(string id, WaybillDb db, CancellationToken cancellationToken)
    {
        var (order, _) = await OrderStore.LoadAsync(db, id, cancellationToken);
        var currency = order.Currency;
        var interactions = await db.PaymentInteractions.AsNoTracking().Where(i => i.OrderId == id)
            .OrderByDescending(i => i.RequestedAt).ThenByDescending(i => i.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new OrderPaymentsResponse(order.Id, order.PaymentStatus, currency.Normalize(order.UnappliedPaymentAmount),
            [.. order.Payments.Select(p => PaymentResponse.From(p, currency.Normalize))],
            [.. interactions.Select(i => PaymentInteractionResponse.From(i, currency))]));
    }
}
