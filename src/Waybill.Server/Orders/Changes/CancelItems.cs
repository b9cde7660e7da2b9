using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/cancellations</c> (201) and <c>/cancellations/preview</c> (200, nothing saved)
/// <c>{ "lines": [{ "lineId", "quantity", "reason"? }], "reduceShipping"? }</c>: cancels unallocated units (decision
/// 0032). One computation for both, so the submit's change order, totals and refundable amount are the preview's for the
/// same order version. The submit, in one transaction with the order row locked: the change order, the lines' figures,
/// the stock the order no longer needs released, events (<c>order.changed</c>, and <c>order.canceled</c> when nothing is
/// left) and history. Money follows in flow 5: excess funds are refunded.
/// </summary>
public static class CancelItems
{
    public sealed record Request(List<ChangeLineInput?>? Lines, bool? ReduceShipping);

    public static void MapCancelItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/cancellations", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("CancelItems");
        orders.MapPost("/{id}/cancellations/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewCancelItems");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, WaybillDb db, IIdGenerator ids, IClock clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var (order, _) = await OrderStore.LoadAsync(db, id, cancellationToken);
        OrderStore.CheckIfMatch(http.Request, order);
        var change = order.PreviewCancel(ids.NewId(), lines, request.ReduceShipping ?? false, ReasonOf(lines), clock.UtcNow,
            await ChangeInputs.BilledChargesAsync(db, id, cancellationToken));
        var paid = await Payments.Invoices.InvoiceRecords.PaidLessCreditedAsync(db, id, cancellationToken);
        return TypedResults.Ok(ChangeResponse.Of(order, change, order.TotalsAfter(change), paid, null, saved: false));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, WaybillDb db, RequestCommit commit, CanceledStock stock,
        EventOutbox outbox, AuditTrail audit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, id, cancellationToken);
            var (order, customer) = await OrderStore.LoadAsync(db, id, cancellationToken);
            OrderStore.CheckIfMatch(http.Request, order);
            var paid = await Payments.Invoices.InvoiceRecords.PaidLessCreditedAsync(db, id, cancellationToken);
            var before = order.Totals;
            var change = order.Cancel(ids.NewId(), lines, request.ReduceShipping ?? false, ReasonOf(lines), clock.UtcNow,
                await ChangeInputs.BilledChargesAsync(db, id, cancellationToken));
            db.ChangeOrders.Add(change);
            await stock.ReleaseAsync(order, cancellationToken);
            var body = ChangeResponse.Of(order, change, order.Totals, paid, null, saved: true, before);
            var actor = http.User.Actor();
            audit.Record("order", order.Id, "cancel_items", actor, null, null, change.Reason,
                new { changeOrderId = change.Id, change.TotalDelta, lines = change.Lines.Select(l => new { l.OrderLineId, l.QuantityDelta, l.Reason }) });
            OrderStore.RecordEvents(order, await OrderStore.ResponseAsync(db, order, customer, cancellationToken), outbox, audit, actor);
            await commit.SaveAsync(201, body, PathOf(id), cancellationToken);
            http.Response.Headers.ETag = $"\"{order.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Created(PathOf(id), response);
    }

    private static string PathOf(string orderId) => $"/api/v1/orders/{orderId}";

    private static string? ReasonOf(IReadOnlyList<CancelRequestLine> lines) => ChangeInputs.ReasonOf(lines.Select(l => l.Reason));

    private static List<CancelRequestLine> Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = ChangeInputs.ParseLines(request.Lines, "cancel", errors);
        errors.ThrowIfAny();
        return [.. lines.Select(l => new CancelRequestLine(l.LineId!, l.Quantity!.Value, l.Reason))];
    }
}
