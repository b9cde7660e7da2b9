using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Payments.Invoices;
using static Waybill.Server.Payments.Exports.DocumentExport;

namespace Waybill.Server.Payments.Exports;

/// <summary>
/// <c>GET /api/v1/exports/invoices?from=&amp;to=&amp;format=csv|ndjson</c>: the invoices created in <c>[from, to)</c>, for
/// the ERP (<see cref="DocumentExport"/>).
/// </summary>
public static class ExportInvoices
{
    public static RouteHandlerBuilder MapExportInvoices(this RouteGroupBuilder exports) => exports
        .MapGet("/invoices", Handle)
        .RequireAuthorization(PaymentsModule.MoneyPolicy)
        .WithName("ExportInvoices")
        .Produces(200, contentType: "text/csv")
        .Produces(200, contentType: "application/x-ndjson");

    public static async Task Handle(DateTimeOffset? from, DateTimeOffset? to, string? format, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var period = ExportPeriod.Parse(from, to, format);
        await StreamAsync(http, "invoices", period, async after =>
            {
                var query = db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.CreatedAt >= period.Start && i.CreatedAt < period.End);
                if (after is { } a) query = query.Where(i => i.CreatedAt > a.At || (i.CreatedAt == a.At && string.Compare(i.Id, a.Id) > 0));
                var batch = await query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Take(BatchSize).ToListAsync(cancellationToken);
                foreach (var invoice in batch) invoice.RestoreOrder();
                return batch.Select(InvoiceResponse.From).ToList();
            },
            i => (i.CreatedAt, i.Id!), i => i, CsvHeader, Rows, cancellationToken);
    }

    private static readonly string[] CsvHeader =
    [
        "invoice_id", "order_id", "shipment_id", "change_order_id", "status", "currency", "created_at", "invoice_total", "invoice_paid", "invoice_balance",
        "line_order_line_id", "line_type", "line_quantity", "line_amount", "line_adjustment_amount", "line_tax_amount", "line_total_amount",
    ];

    private static IEnumerable<string?[]> Rows(InvoiceResponse invoice) => invoice.Lines.Select(line => new[]
    {
        invoice.Id, invoice.OrderId, invoice.ShipmentId, invoice.ChangeOrderId, StatusNames.Of(invoice.Status), invoice.Currency, Instant(invoice.CreatedAt),
        Amount(invoice.TotalAmount), Amount(invoice.PaidAmount), Amount(invoice.Balance),
        line.OrderLineId, StatusNames.Of(line.Type), line.Quantity.ToString(CultureInfo.InvariantCulture),
        Amount(line.Amount), Amount(line.AdjustmentAmount), Amount(line.TaxAmount), Amount(line.TotalAmount),
    });
}
