using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Waybill.Domain.Common;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Exports;

/// <summary>The period an export covers: <c>[Start, End)</c> in UTC, and whether it is CSV (else NDJSON).</summary>
public sealed record ExportPeriod(DateTimeOffset Start, DateTimeOffset End, bool Csv)
{
    /// <summary><c>from</c> and <c>to</c> required, <c>to</c> after <c>from</c>, <c>format</c> csv or ndjson (the default).</summary>
    public static ExportPeriod Parse(DateTimeOffset? from, DateTimeOffset? to, string? format)
    {
        var errors = new FieldErrors();
        if (from is null) errors.Add("from", "from is required: the first instant of the period (ISO 8601).");
        if (to is null) errors.Add("to", "to is required: the instant after the period (ISO 8601).");
        if (from is not null && to is not null && to <= from) errors.Add("to", "to must be after from.");
        if (format is not (null or "csv" or "ndjson")) errors.Add("format", "format is csv or ndjson.");
        errors.ThrowIfAny();
        return new ExportPeriod(from!.Value.ToUniversalTime(), to!.Value.ToUniversalTime(), format == "csv");
    }
}

/// <summary>
/// Streams billing documents (invoices, credit memos) created in a period, for the ERP: NDJSON is one document a line, as
/// the API shows it; CSV is one row per document line with the document's fields repeated (the shape an ERP's journal
/// import takes). Batches in (createdAt, id) order, so a year's export never sits in memory.
/// </summary>
public static class DocumentExport
{
    public const int BatchSize = 500;

    /// <param name="nextBatch">The next documents of the period after the given (createdAt, id), in that order, at most <see cref="BatchSize"/>.</param>
    public static async Task StreamAsync<T>(HttpContext http, string name, ExportPeriod period, Func<(DateTimeOffset At, string Id)?, Task<List<T>>> nextBatch,
        Func<T, (DateTimeOffset At, string Id)> keyOf, Func<T, object> respond, string[] csvHeader, Func<T, IEnumerable<string?[]>> csvRows,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(nextBatch);
        ArgumentNullException.ThrowIfNull(keyOf);
        ArgumentNullException.ThrowIfNull(respond);
        ArgumentNullException.ThrowIfNull(csvRows);
        var csv = period.Csv;
        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"{name}-{period.Start:yyyyMMddTHHmmssZ}-{period.End:yyyyMMddTHHmmssZ}.{(csv ? "csv" : "ndjson")}\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        if (csv) await writer.WriteAsync(CsvText([csvHeader]).AsMemory(), cancellationToken);

        (DateTimeOffset At, string Id)? after = null;
        while (true)
        {
            var batch = await nextBatch(after);
            if (batch.Count == 0) break;
            if (csv) await writer.WriteAsync(CsvText(batch.SelectMany(csvRows)).AsMemory(), cancellationToken);
            else
            {
                foreach (var document in batch) await writer.WriteLineAsync(JsonSerializer.Serialize(respond(document), WaybillJson.Options).AsMemory(), cancellationToken);
            }
            await writer.FlushAsync(cancellationToken);
            after = keyOf(batch[^1]);
            if (batch.Count < BatchSize) break;
        }
    }

    public static string Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

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
}
