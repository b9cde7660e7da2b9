using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Invoices;

/// <summary>Loading invoices and writing their changes to the outbox (subject: the order) and the history.</summary>
public static class InvoiceRecords
{
    public static async Task<Invoice?> FindAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        invoice?.RestoreOrder();
        return invoice;
    }

    public static async Task<Invoice> LoadAsync(WaybillDb db, string id, CancellationToken cancellationToken) =>
        await FindAsync(db, id, cancellationToken) ?? throw new ProblemException(Problems.NotFound("invoice", id));

    /// <summary>Per order line, the units the order's invoices billed so far (the next invoice starts after them).</summary>
    public static async Task<Dictionary<string, int>> InvoicedUnitsAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        await db.Set<InvoiceLine>()
            .Where(l => l.FirstUnit >= 0 && db.Set<Invoice>().Any(i => i.Id == l.InvoiceId && i.OrderId == orderId))
            .GroupBy(l => l.OrderLineId!)
            .Select(g => new { g.Key, Units = g.Sum(l => l.Quantity) })
            .ToDictionaryAsync(x => x.Key, x => x.Units, StringComparer.Ordinal, cancellationToken);

    /// <summary>
    /// The order's invoices as responses, oldest first, for the order's own response. An order nothing of which has
    /// shipped has none, and is answered without a query: order responses are built on every order change.
    /// </summary>
    public static async Task<IReadOnlyList<object>> ResponsesOfOrderAsync(WaybillDb db, Domain.Orders.Order order, CancellationToken cancellationToken)
    {
        if (!order.Lines.Any(l => l.QuantityFulfilled > 0)) return [];
        var invoices = await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.OrderId == order.Id).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        // An invoice made in this unit of work (a change's fees) is not in the database yet.
        invoices.AddRange(db.Invoices.Local.Where(i => i.OrderId == order.Id && invoices.All(s => s.Id != i.Id)));
        return [.. invoices.Select(i =>
        {
            i.RestoreOrder();
            return (object)InvoiceResponse.From(i);
        })];
    }

    /// <summary>The invoices of several orders at once (lists), by order id, each oldest first.</summary>
    public static async Task<ILookup<string, object>> ResponsesOfOrdersAsync(WaybillDb db, IReadOnlyCollection<string> orderIds, CancellationToken cancellationToken)
    {
        var invoices = await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => orderIds.Contains(i.OrderId)).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        foreach (var invoice in invoices) invoice.RestoreOrder();
        return invoices.ToLookup(i => i.OrderId, i => (object)InvoiceResponse.From(i));
    }

    /// <summary>
    /// What the order's invoices were paid so far less what its credit memos give back: the part of the grand total no
    /// longer to be paid (a return takes units off the grand total that were billed, and its memo gives them back).
    /// </summary>
    public static async Task<decimal> PaidLessCreditedAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        (await db.Invoices.Where(i => i.OrderId == orderId).SumAsync(i => (decimal?)i.PaidAmount, cancellationToken) ?? 0m)
        - await CreditMemos.CreditMemoRecords.CreditedAsync(db, orderId, cancellationToken);

    /// <summary>
    /// Every shipment of the order invoiced, every invoice paid and every credit memo refunded: nothing is left to bill, to
    /// collect or to give back.
    /// </summary>
    public static async Task<bool> BillingSettledAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        !await db.Shipments.AnyAsync(s => s.OrderId == orderId && !db.Set<Invoice>().Any(i => i.ShipmentId == s.Id), cancellationToken)
        && !await db.Invoices.AnyAsync(i => i.OrderId == orderId && i.Status != InvoiceStatus.Paid, cancellationToken)
        && !await db.CreditMemos.AnyAsync(m => m.OrderId == orderId && m.Status != CreditMemoStatus.Refunded, cancellationToken);

    public static void RecordEvents(Invoice invoice, EventOutbox outbox, AuditTrail audit, string actor, InvoiceStatus? previous)
    {
        if (invoice.Events.Count == 0) return;
        var response = InvoiceResponse.From(invoice);
        foreach (var type in invoice.Events)
        {
            outbox.Add(type, invoice.OrderId, response);
            var created = type == InvoiceEventTypes.Created;
            audit.Record("invoice", invoice.Id, created ? "create" : "pay", actor,
                created || previous is null ? null : StatusNames.Of(previous.Value), StatusNames.Of(invoice.Status), null,
                created ? new { invoice.TotalAmount, invoice.ShipmentId } : null);
        }
        invoice.ClearEvents();
    }
}
