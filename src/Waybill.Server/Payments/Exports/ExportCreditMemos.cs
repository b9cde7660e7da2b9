using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Payments.CreditMemos;
using static Waybill.Server.Payments.Exports.DocumentExport;

namespace Waybill.Server.Payments.Exports;

/// <summary>
/// <c>GET /api/v1/exports/credit-memos?from=&amp;to=&amp;format=csv|ndjson</c>: the credit memos created in
/// <c>[from, to)</c>, for the ERP, in the invoices' export shape (<see cref="DocumentExport"/>). A fee line has no order
/// line; its <c>line_reason</c> is the fee's type and its amounts are negative (it reduces what is given back).
/// </summary>
public static class ExportCreditMemos
{
    public static RouteHandlerBuilder MapExportCreditMemos(this RouteGroupBuilder exports) => exports
        .MapGet("/credit-memos", Handle)
        .RequireAuthorization(PaymentsModule.MoneyPolicy)
        .WithName("ExportCreditMemos")
        .Produces(200, contentType: "text/csv")
        .Produces(200, contentType: "application/x-ndjson");

    public static async Task Handle(DateTimeOffset? from, DateTimeOffset? to, string? format, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var period = ExportPeriod.Parse(from, to, format);
        await StreamAsync(http, "credit-memos", period, async after =>
            {
                var query = db.CreditMemos.AsNoTracking().Include(m => m.Lines).Where(m => m.CreatedAt >= period.Start && m.CreatedAt < period.End);
                if (after is { } a) query = query.Where(m => m.CreatedAt > a.At || (m.CreatedAt == a.At && string.Compare(m.Id, a.Id) > 0));
                var batch = await query.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(BatchSize).ToListAsync(cancellationToken);
                foreach (var memo in batch) memo.RestoreOrder();
                return batch.Select(CreditMemoResponse.From).ToList();
            },
            m => (m.CreatedAt, m.Id!), m => m, CsvHeader, Rows, cancellationToken);
    }

    private static readonly string[] CsvHeader =
    [
        "credit_memo_id", "order_id", "change_order_id", "status", "currency", "created_at", "credit_memo_total", "credit_memo_refunded", "credit_memo_balance",
        "line_order_line_id", "line_type", "line_reason", "line_quantity", "line_amount", "line_adjustment_amount", "line_tax_amount", "line_total_amount",
    ];

    private static IEnumerable<string?[]> Rows(CreditMemoResponse memo) => memo.Lines.Select(line => new[]
    {
        memo.Id, memo.OrderId, memo.ChangeOrderId, StatusNames.Of(memo.Status), memo.Currency, Instant(memo.CreatedAt),
        Amount(memo.TotalAmount), Amount(memo.RefundedAmount), Amount(memo.Balance),
        line.OrderLineId, StatusNames.Of(line.Type), line.Reason, line.Quantity.ToString(CultureInfo.InvariantCulture),
        Amount(line.Amount), Amount(line.AdjustmentAmount), Amount(line.TaxAmount), Amount(line.TotalAmount),
    });
}
