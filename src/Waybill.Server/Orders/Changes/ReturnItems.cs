using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/returns</c> (201) and <c>/returns/preview</c> (200, nothing saved)
/// <c>{ "lines": [{ "lineId", "quantity", "reason"? }], "reduceShipping"?, "restock"? }</c>: a direct return of shipped
/// units, received at once (decision 0034). One computation for both, so the submit's change order, totals, refundable
/// amount and credit memo are the preview's for the same order version. The submit, in one transaction with the order row
/// locked: the change order, the lines' figures, the credit memo (what was billed and comes back, less fees), the units
/// restocked where the line last shipped from (with <c>restock</c>), events (<c>order.changed</c>,
/// <c>credit_memo.created</c>) and history. Money follows in flow 6: the memo is refunded.
/// </summary>
public static class ReturnItems
{
    public sealed record Request(List<ChangeLineInput?>? Lines, bool? ReduceShipping, bool? Restock);

    public static void MapReturnItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/returns", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("ReturnItems");
        orders.MapPost("/{id}/returns/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewReturnItems");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, WaybillDb db, IIdGenerator ids, IClock clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var (order, _) = await OrderStore.LoadAsync(db, id, cancellationToken);
        OrderStore.CheckIfMatch(http.Request, order);
        var now = clock.UtcNow;
        var change = order.PreviewReturn(ids.NewId(), lines, request.ReduceShipping ?? false, [], ReasonOf(lines), now);
        var billing = ChangeBilling.Of(ids, order, change, await ChangeInputs.BilledChargesAsync(db, id, cancellationToken), now);
        var paid = await InvoiceRecords.PaidLessCreditedAsync(db, id, cancellationToken);
        return TypedResults.Ok(ChangeResponse.Of(order, change, order.TotalsAfter(change), paid, billing, saved: false));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, WaybillDb db, RequestCommit commit, ReturnRestock restock,
        EventOutbox outbox, AuditTrail audit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, id, cancellationToken);
            var (order, customer) = await OrderStore.LoadAsync(db, id, cancellationToken);
            OrderStore.CheckIfMatch(http.Request, order);
            var paid = await InvoiceRecords.PaidLessCreditedAsync(db, id, cancellationToken);
            var billed = await ChangeInputs.BilledChargesAsync(db, id, cancellationToken);
            var before = order.Totals;
            var now = clock.UtcNow;
            var change = order.Return(ids.NewId(), lines, request.ReduceShipping ?? false, [], ReasonOf(lines), now);
            db.ChangeOrders.Add(change);
            var billing = ChangeBilling.Of(ids, order, change, billed, now);
            var actor = http.User.Actor();
            var restocked = request.Restock == true ? await restock.AtShippingLocationAsync(order, change, actor, cancellationToken) : [];
            var body = ChangeResponse.Of(order, change, order.Totals, paid, billing, saved: true, before);
            audit.Record("order", order.Id, "return_items", actor, null, null, change.Reason,
                new
                {
                    changeOrderId = change.Id, change.TotalDelta, creditMemoId = billing.CreditMemo?.Id, invoiceId = billing.Invoice?.Id,
                    lines = change.Lines.Select(l => new { l.OrderLineId, l.QuantityDelta, l.Reason, l.Units }),
                    restocked = restocked.Select(r => new { r.Location, r.Sku, r.Quantity }),
                });
            OrderStore.RecordEvents(order, await OrderStore.ResponseAsync(db, order, customer, cancellationToken), outbox, audit, actor);
            billing.Record(db, outbox, audit, actor);
            await commit.SaveAsync(201, body, PathOf(id), cancellationToken);
            http.Response.Headers.ETag = $"\"{order.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Created(PathOf(id), response);
    }

    private static string PathOf(string orderId) => $"/api/v1/orders/{orderId}";

    private static string? ReasonOf(IReadOnlyList<ReturnRequestLine> lines) => ChangeInputs.ReasonOf(lines.Select(l => l.Reason));

    private static List<ReturnRequestLine> Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = ChangeInputs.ParseLines(request.Lines, "return", errors);
        errors.ThrowIfAny();
        return [.. lines.Select(l => new ReturnRequestLine(l.LineId!, l.Quantity!.Value, l.Reason))];
    }
}
