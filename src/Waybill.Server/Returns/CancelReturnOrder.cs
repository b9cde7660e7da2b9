using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Returns;

/// <summary>
/// <c>POST /api/v1/return-orders/{id}/cancel</c>: submitted or approved → canceled; 200 with the return order. In one
/// transaction with the order row locked, the units still expected are withdrawn from the order (returnable again); units
/// received before stay received. Received, closed or canceled → 409 <c>invalid_transition</c>.
/// </summary>
public static class CancelReturnOrder
{
    public static RouteHandlerBuilder MapCancelReturnOrder(this RouteGroupBuilder returnOrders) => returnOrders
        .MapPost("/{id}/cancel", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("CancelReturnOrder");

    public static async Task<Ok<ReturnOrderResponse>> Handle(string id, WaybillDb db, RequestCommit commit, EventOutbox outbox, AuditTrail audit, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        var orderId = await ReturnOrderRecords.OrderIdOfAsync(db, id, cancellationToken);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var returnOrder = await ReturnOrderRecords.LoadAsync(db, id, cancellationToken);
            IfMatch.Check(http.Request, returnOrder.Version);
            var (order, _) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            var previous = returnOrder.Status;
            var withdrawn = returnOrder.Lines.Where(l => l.QuantityRemaining > 0).Select(l => new { l.OrderLineId, quantity = l.QuantityRemaining }).ToList();
            returnOrder.Cancel(order, clock.UtcNow);
            ReturnOrderRecords.Record(returnOrder, "cancel", previous, outbox, audit, http.User.Actor(), new { withdrawn });
            var body = ReturnOrderResponse.From(returnOrder);
            await commit.SaveAsync(200, body, null, cancellationToken);
            http.Response.Headers.ETag = $"\"{returnOrder.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Ok(response);
    }
}
