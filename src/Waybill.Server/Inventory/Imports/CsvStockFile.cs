using Waybill.Domain.Inventory;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// A CSV stock file: a header row naming the columns (any order, any case), then one row per record and future.
/// CsvHelper reads it as it arrives and hands out each field as UTF-8 bytes, which go through the same
/// <see cref="StockLineRules"/> as NDJSON values.
/// </summary>
internal static class CsvStockFile
{
    public static async IAsyncEnumerable<ImportItem> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        // CsvHelper reports badly quoted rows as it scans ahead, then hands them out recovered; the report waits here for its
        // row, which becomes a line error. Recovering rather than skipping keeps this queue as short as the read-ahead.
        var malformed = new Queue<ImportLineError>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            // No stock field holds a line break, so a line is a row: one stray quote cannot swallow the rest of the file,
            // and a row's line number is the line an editor shows.
            AllowLineBreaksInQuotes = false,
            TrackLineNumbers = true,
            MaxRecordSize = StockLineRules.MaxLineBytes,
            MalformedData = CsvMalformedDataHandling.Recover,
            // Checked row by row below, to say how many fields a row has.
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = row => malformed.Enqueue(new ImportLineError(checked((int)row.LineNumber), null, MalformedQuoting(row.Reason))),
        };
        await using var csv = CsvReader.Create(body, options, leaveOpen: true);
        var columns = CsvStockColumns.Of(await ReadHeaderAsync(csv, ct));
        var locations = new RepeatedText();

        while (await NextRowAsync(csv, ct))
        {
            var line = checked((int)csv.LineNumber);
            while (malformed.TryPeek(out var before) && before.Line < line)
                yield return new ImportItem(null, malformed.Dequeue());
            if (malformed.TryPeek(out var flagged) && flagged.Line == line)
                yield return new ImportItem(null, malformed.Dequeue());
            else if (ReadRow(csv, line, columns, locations) is { } item)
                yield return item;
        }
        while (malformed.TryDequeue(out var last))
            yield return new ImportItem(null, last);
    }

    private static ImportItem? ReadRow(CsvReader csv, int line, CsvStockColumns columns, RepeatedText locations)
    {
        // A line of nothing but spaces is blank, as in NDJSON.
        if (csv.FieldCount == 1 && csv.IsEmpty(0))
            return null;
        if (!Utf8.IsValid(csv.RawRecord))
            return Skipped(line, null, "the line is not valid UTF-8");
        if (csv.FieldCount != columns.Count)
            return Skipped(line, null, $"the row has {csv.FieldCount} fields, the header {columns.Count}");

        var problems = new LineProblems();
        var recordId = StockLineRules.Text(new FieldName("recordId"), TextOf(csv, columns.RecordId), StockLineRules.RecordIdMaxLength, ref problems);
        var location = StockLineRules.Text(new FieldName("location"), csv.IsEmpty(columns.Location) ? null : locations.Of(csv.GetSpan(columns.Location)), StockLineRules.LocationMaxLength, ref problems);
        var sku = StockLineRules.Text(new FieldName("sku"), TextOf(csv, columns.Sku), StockLineRules.SkuMaxLength, ref problems);

        int? onHand = null;
        if (csv.IsEmpty(columns.OnHand))
            problems.Add("onHand is required");
        else
            onHand = StockLineRules.Quantity(new FieldName("onHand"), csv.GetSpan(columns.OnHand), 0, ref problems);

        int? safetyStock = 0;
        if (columns.SafetyStock >= 0 && !csv.IsEmpty(columns.SafetyStock))
            safetyStock = StockLineRules.Quantity(new FieldName("safetyStock"), csv.GetSpan(columns.SafetyStock), 0, ref problems);

        IReadOnlyList<StockFuture> futures = [];
        var quantityGiven = columns.FutureQuantity >= 0 && !csv.IsEmpty(columns.FutureQuantity);
        var expectedAtGiven = columns.FutureExpectedAt >= 0 && !csv.IsEmpty(columns.FutureExpectedAt);
        if (quantityGiven && expectedAtGiven)
        {
            var quantity = StockLineRules.Quantity(new FieldName("futureQuantity"), csv.GetSpan(columns.FutureQuantity), 1, ref problems);
            var expectedAt = StockLineRules.Timestamp(new FieldName("futureExpectedAt"), csv.GetSpan(columns.FutureExpectedAt), ref problems);
            if (quantity is { } q && expectedAt is { } at)
                futures = [new StockFuture(q, at)];
        }
        else if (quantityGiven)
        {
            problems.Add("futureExpectedAt is required when futureQuantity is given");
        }
        else if (expectedAtGiven)
        {
            problems.Add("futureQuantity is required when futureExpectedAt is given");
        }

        if (problems.Any || recordId is null || location is null || sku is null || onHand is not { } stock || safetyStock is not { } safety)
            return Skipped(line, recordId, problems.Message);
        return new ImportItem(new StockRecord(line, recordId, location, sku, stock, safety, futures), null);
    }

    private static string? TextOf(CsvReader csv, int column) => csv.IsEmpty(column) ? null : Encoding.UTF8.GetString(csv.GetSpan(column));

    private static async Task<IReadOnlyList<string>> ReadHeaderAsync(CsvReader csv, CancellationToken ct)
    {
        try
        {
            await csv.ReadHeaderAsync(ct);
            return csv.Headers;
        }
        catch (CsvFormatException e)
        {
            throw new StockFileUnreadableException($"the CSV header cannot be read: {e.Message}", e);
        }
    }

    // A row longer than MaxLineBytes stops CsvHelper for good, so unlike NDJSON it fails the file rather than one line.
    // Most rows are already buffered and complete at once; only a read that waits for the body goes through the await.
    private static ValueTask<bool> NextRowAsync(CsvReader csv, CancellationToken ct)
    {
        // Buffered rows are read without touching the stream, so the token is checked here too.
        ct.ThrowIfCancellationRequested();
        ValueTask<bool> next;
        try
        {
            next = csv.ReadAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw Unreadable(csv, e);
        }
        return next.IsCompletedSuccessfully ? next : AwaitRowAsync(csv, next);
    }

    private static async ValueTask<bool> AwaitRowAsync(CsvReader csv, ValueTask<bool> next)
    {
        try
        {
            return await next;
        }
        catch (CsvFormatException e)
        {
            throw Unreadable(csv, e);
        }
    }

    private static StockFileUnreadableException Unreadable(CsvReader csv, CsvFormatException e)
    {
        var line = e.LineNumber > 0 ? e.LineNumber : csv.LineNumber + 1;
        return new StockFileUnreadableException($"the CSV file cannot be read from line {line} on: {e.Message}", e);
    }

    private static string MalformedQuoting(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "malformed CSV: a quote inside an unquoted field (quote the whole field and double the quote)",
        CsvMalformedReason.TextAfterClosingQuote => "malformed CSV: text after the closing quote of a field",
        CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "malformed CSV: a quoted field is not closed on its line",
        _ => $"malformed CSV: {reason}",
    };

    private static ImportItem Skipped(int line, string? recordId, string message) => new(null, new ImportLineError(line, recordId, message));
}
