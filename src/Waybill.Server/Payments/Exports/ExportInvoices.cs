using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Exports;

/// <summary>
/// <c>GET /api/v1/exports/invoices?from=&amp;to=&amp;format=csv|ndjson</c>: the invoices created in <c>[from, to)</c>, for
/// the ERP. NDJSON is one invoice a line, as the API shows it; CSV is one row per invoice line with the invoice's fields
/// repeated (the shape an ERP's journal import takes). Streamed in batches in (createdAt, id) order, so a year's export
/// never sits in memory.
/// </summary>
public static class ExportInvoices
{
    private const int BatchSize = 500;

    public static RouteHandlerBuilder MapExportInvoices(this RouteGroupBuilder exports) => exports
        .MapGet("/invoices", Handle)
        .RequireAuthorization(PaymentsModule.MoneyPolicy)
        .WithName("ExportInvoices")
        .Produces(200, contentType: "text/csv")
        .Produces(200, contentType: "application/x-ndjson");

    public static async Task Handle(DateTimeOffset? from, DateTimeOffset? to, string? format, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (from is null) errors.Add("from", "from is required: the first instant of the period (ISO 8601).");
        if (to is null) errors.Add("to", "to is required: the instant after the period (ISO 8601).");
        if (from is not null && to is not null && to <= from) errors.Add("to", "to must be after from.");
        var csv = format switch
        {
            "csv" => true,
            "ndjson" or null => false,
            _ => Invalid(errors),
        };
        errors.ThrowIfAny();

        var (start, end) = (from!.Value.ToUniversalTime(), to!.Value.ToUniversalTime());
        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"invoices-{start:yyyyMMddTHHmmssZ}-{end:yyyyMMddTHHmmssZ}.{(csv ? "csv" : "ndjson")}\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        if (csv) await writer.WriteAsync(CsvText([CsvHeader]).AsMemory(), cancellationToken);

        (DateTimeOffset At, string Id)? after = null;
        while (true)
        {
            var query = db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.CreatedAt >= start && i.CreatedAt < end);
            if (after is { } a) query = query.Where(i => i.CreatedAt > a.At || (i.CreatedAt == a.At && string.Compare(i.Id, a.Id) > 0));
            var batch = await query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            var invoices = batch.Select(i =>
            {
                i.RestoreOrder();
                return InvoiceResponse.From(i);
            }).ToList();
            if (csv) await writer.WriteAsync(CsvText(invoices.SelectMany(Rows)).AsMemory(), cancellationToken);
            else
            {
                foreach (var invoice in invoices) await writer.WriteLineAsync(JsonSerializer.Serialize(invoice, WaybillJson.Options).AsMemory(), cancellationToken);
            }
            await writer.FlushAsync(cancellationToken);
            after = (batch[^1].CreatedAt, batch[^1].Id);
            if (batch.Count < BatchSize) break;
        }
    }

    private static bool Invalid(FieldErrors errors)
    {
        errors.Add("format", "format is csv or ndjson.");
        return false;
    }

    private static readonly string[] CsvHeader =
    [
        "invoice_id", "order_id", "shipment_id", "change_order_id", "status", "currency", "created_at", "invoice_total", "invoice_paid", "invoice_balance",
        "line_order_line_id", "line_type", "line_quantity", "line_amount", "line_adjustment_amount", "line_tax_amount", "line_total_amount",
    ];

    /// <summary>
    /// Rows as CSV text (CsvHelper quotes and escapes). Written to a string first: the response only takes asynchronous
    /// writes, and the CSV writer's are synchronous.
    /// </summary>
    private static string CsvText(IEnumerable<string?[]> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var table = CsvWriter.Create(text, null, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                foreach (var field in row) table.WriteField(field ?? "");
                table.EndRecord();
            }
            table.Flush();
        }
        return text.ToString();
    }

    private static IEnumerable<string?[]> Rows(InvoiceResponse invoice)
    {
        static string Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);
        foreach (var line in invoice.Lines)
        {
            yield return
            [
                invoice.Id, invoice.OrderId, invoice.ShipmentId, invoice.ChangeOrderId, StatusNames.Of(invoice.Status), invoice.Currency,
                invoice.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                Amount(invoice.TotalAmount), Amount(invoice.PaidAmount), Amount(invoice.Balance),
                line.OrderLineId, StatusNames.Of(line.Type), line.Quantity.ToString(CultureInfo.InvariantCulture),
                Amount(line.Amount), Amount(line.AdjustmentAmount), Amount(line.TaxAmount), Amount(line.TotalAmount),
            ];
        }
    }
}
