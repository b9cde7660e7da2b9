using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>What a change computes from: the order and what was billed of it, now, and who asks.</summary>
public sealed record ChangeContext(Order Order, IReadOnlySet<string> BilledCharges, IReadOnlyDictionary<string, int> InvoicedUnits, DateTimeOffset Now,
    string Actor);

/// <summary>What applying a change did: the change order, and anything else the history should say (stock restocked).</summary>
public sealed record AppliedChange(ChangeOrder Change, object? Details = null);

/// <summary>
/// The preview and the submit every change shares (api.md "Changes", decisions 0032 and 0034), so the submit's answer is the
/// preview's for the same input and order version. The submit runs in one transaction with the order row locked (every
/// money change of an order goes one at a time): the change order, what it bills or credits (<see cref="ChangeBilling"/>),
/// the change's own work (stock), events and history; a stale <c>If-Match</c> is refused before anything is written.
/// </summary>
public sealed class ChangeSubmit(WaybillDb db, RequestCommit commit, EventOutbox outbox, AuditTrail audit, IIdGenerator ids, IClock clock)
{
    public IIdGenerator Ids => ids;

    /// <param name="bills">The change can owe money back or be owed (returns, adjustments); a cancel bills nothing.</param>
    public async Task<ChangeResponse> PreviewAsync(string orderId, HttpContext http, Func<ChangeContext, ChangeOrder> preview, bool bills,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(preview);
        var (order, _) = await OrderStore.ReadAsync(db, orderId, cancellationToken);
        OrderStore.CheckIfMatch(http.Request, order);
        var context = await ContextAsync(order, http, cancellationToken);
        var change = preview(context);
        var billing = bills ? ChangeBilling.Of(ids, order, change, context.BilledCharges, context.Now) : null;
        var paid = await InvoiceRecords.PaidLessCreditedAsync(db, orderId, cancellationToken);
        return ChangeResponse.Of(order, change, order.TotalsAfter(change), paid, billing, saved: false);
    }

    /// <param name="action">The history's name for it (<c>cancel_items</c>, <c>return_items</c>, …).</param>
    public Task<ChangeResponse> SubmitAsync(string orderId, HttpContext http, string action, Func<ChangeContext, Task<AppliedChange>> apply, bool bills,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apply);
        return commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var (order, customer) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            OrderStore.CheckIfMatch(http.Request, order);
            var context = await ContextAsync(order, http, cancellationToken);
            var paid = await InvoiceRecords.PaidLessCreditedAsync(db, orderId, cancellationToken);
            var before = order.Totals;
            var (change, details) = await apply(context);
            db.ChangeOrders.Add(change);
            var billing = bills ? ChangeBilling.Of(ids, order, change, context.BilledCharges, context.Now) : null;
            var body = ChangeResponse.Of(order, change, order.Totals, paid, billing, saved: true, before);
            audit.Record("order", order.Id, action, context.Actor, null, null, change.Reason,
                new
                {
                    changeOrderId = change.Id, change.TotalDelta, creditMemoId = billing?.CreditMemo?.Id, invoiceId = billing?.Invoice?.Id,
                    lines = change.Lines.Select(l => new { l.OrderLineId, l.Type, l.QuantityDelta, l.AdjustmentDelta, l.Reason, l.Units }),
                    details,
                });
            billing?.Add(db);
            OrderStore.RecordEvents(order, await OrderStore.ResponseAsync(db, order, customer, cancellationToken), outbox, audit, context.Actor);
            billing?.RecordEvents(outbox, audit, context.Actor);
            await commit.SaveAsync(201, body, PathOf(orderId), cancellationToken);
            http.Response.Headers.ETag = $"\"{order.Version}\"";
            return body;
        }, cancellationToken);
    }

    public static string PathOf(string orderId) => $"/api/v1/orders/{orderId}";

    private async Task<ChangeContext> ContextAsync(Order order, HttpContext http, CancellationToken cancellationToken) => new(
        order,
        await ChangeInputs.BilledChargesAsync(db, order.Id, cancellationToken),
        await InvoiceRecords.InvoicedUnitsAsync(db, order.Id, cancellationToken),
        clock.UtcNow,
        http.User.Actor());
}
