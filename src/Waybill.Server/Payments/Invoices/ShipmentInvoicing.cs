using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Fulfillment;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Invoices;

/// <summary>
/// Invoices a shipment (default flow 4): its units of each line, the next ones from the front of the line, with their
/// share of adjustments and tax, and a group's whole delivery charge on its first invoice. Adds to the caller's unit of
/// work; a shipment already invoiced gives back its invoice, so a rerun bills nothing twice.
/// </summary>
public sealed class ShipmentInvoicing(WaybillDb db, IIdGenerator ids, IClock clock, EventOutbox outbox, AuditTrail audit)
{
    public async Task<Invoice> InvoiceAsync(string shipmentId, string actor, CancellationToken cancellationToken)
    {
        var existing = await db.Invoices.Include(i => i.Lines).FirstOrDefaultAsync(i => i.ShipmentId == shipmentId, cancellationToken);
        if (existing is not null)
        {
            existing.RestoreOrder();
            return existing;
        }
        var shipment = await db.Shipments.AsNoTracking().Include(s => s.Lines).FirstOrDefaultAsync(s => s.Id == shipmentId, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("shipment", shipmentId));
        var (order, _) = await OrderStore.LoadAsync(db, shipment.OrderId, cancellationToken);
        var invoiced = await InvoiceRecords.InvoicedUnitsAsync(db, order.Id, cancellationToken);
        var invoice = Invoice.ForShipment(ids.NewId(), order, shipment.Id, shipment.Lines.Select(l => (l.OrderLineId, l.Quantity)), invoiced, clock.UtcNow);
        db.Invoices.Add(invoice);
        order.BillingChanged();
        InvoiceRecords.RecordEvents(invoice, outbox, audit, actor, null);
        return invoice;
    }
}
