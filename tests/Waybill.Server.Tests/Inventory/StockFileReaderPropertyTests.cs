using Waybill.Domain.Inventory;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Server.Inventory.Imports;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Any valid stock file, written as a sender would write it, reads back as exactly the records it holds.</summary>
public sealed class StockFileReaderPropertyTests
{
    [Property(MaxTest = 300)]
    public Property An_ndjson_file_reads_back_as_its_records() =>
        Prop.ForAll(Files().ToArbitrary(), records =>
        {
            var body = new StringBuilder();
            foreach (var record in records)
                body.Append(JsonSerializer.Serialize(new
                {
                    recordId = record.RecordId,
                    location = record.Location,
                    sku = record.Sku,
                    onHand = record.OnHand,
                    safetyStock = record.SafetyStock,
                    futures = record.Futures.Select(f => new { quantity = f.Quantity, expectedAt = f.ExpectedAt }),
                })).Append('\n');

            var expected = records.Select((r, i) => Shown(InUtc(r with { Line = i + 1 })));
            return ReadBack(body.ToString(), StockFileFormat.Ndjson).SequenceEqual(expected);
        });

    [Property(MaxTest = 300)]
    public Property A_csv_file_reads_back_as_one_row_per_future() =>
        Prop.ForAll(Files().ToArbitrary(), records =>
        {
            var body = new StringBuilder("sku,recordId,onHand,location,futureExpectedAt,safetyStock,futureQuantity\r\n");
            var expected = new List<string>();
            foreach (var record in records)
            {
                // A record without futures is one row with empty future columns; each future is a row of its own.
                StockFuture?[] rows = record.Futures.Count == 0 ? [null] : [.. record.Futures];
                foreach (var future in rows)
                {
                    body.AppendJoin(',', Quoted(record.Sku), Quoted(record.RecordId), record.OnHand, Quoted(record.Location),
                        future?.ExpectedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
                        record.SafetyStock, future?.Quantity).Append("\r\n");
                    expected.Add(Shown(InUtc(record with { Line = expected.Count + 2, Futures = future is null ? [] : [future] })));
                }
            }
            return ReadBack(body.ToString(), StockFileFormat.Csv).SequenceEqual(expected);
        });

    private static List<string> ReadBack(string body, StockFileFormat format) =>
        [.. StockFileReaderTests.Read(Encoding.UTF8.GetBytes(body), format).GetAwaiter().GetResult()
            .Select(item => item.IsRecord ? Shown(item.Record) : $"error {item.Error}")];

    private static StockRecord InUtc(StockRecord record) =>
        record with { Futures = [.. record.Futures.Select(f => f with { ExpectedAt = f.ExpectedAt.ToUniversalTime() })] };

    // Records compare by their futures' values, in UTC, not by list identity.
    private static string Shown(StockRecord r) =>
        $"{r.Line}|{r.RecordId}|{r.Location}|{r.Sku}|{r.OnHand}|{r.SafetyStock}|"
        + string.Join(";", r.Futures.Select(f => $"{f.Quantity}@{f.ExpectedAt.UtcDateTime:O}/{f.ExpectedAt.Offset}"));

    private static string Quoted(string text) => $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static Gen<StockRecord[]> Files() =>
        from count in Gen.Choose(0, 20)
        from records in Gen.ArrayOf(Record(), count)
        select records;

    private static Gen<StockRecord> Record() =>
        from recordId in Text(128)
        from location in Text(64)
        from sku in Text(100)
        from onHand in Gen.Frequency((3, Gen.Choose(0, 1000)), (1, Gen.Choose(0, 1_000_000_000)))
        from safetyStock in Gen.Choose(0, 50)
        from futureCount in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Choose(1, 3)))
        from futures in Gen.ArrayOf(Future(), futureCount)
        select new StockRecord(0, recordId, location, sku, onHand, safetyStock, futures);

    private static Gen<StockFuture> Future() =>
        from quantity in Gen.Choose(1, 1_000_000_000)
        from seconds in Gen.Choose(0, 400_000_000)
        from fraction in Gen.Choose(0, 9_999_999)
        from offsetMinutes in Gen.Choose(-12 * 60, 14 * 60)
        let utc = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds).AddTicks(fraction)
        // Written with the sender's offset; read back in UTC.
        select new StockFuture(quantity, utc.ToOffset(TimeSpan.FromMinutes(offsetMinutes)));

    // Letters, digits, punctuation CSV must quote, and text beyond ASCII; never blank, never padded (CSV trims outside quotes,
    // but a sender's quoted spaces are kept, so padding is left to the unit tests).
    private static Gen<string> Text(int longest) =>
        from length in Gen.Frequency((5, Gen.Choose(1, 12)), (1, Gen.Choose(1, longest)))
        from chars in Gen.ArrayOf(Gen.Elements("abcXYZ0189-_/.,;\"' éß東京🚚".EnumerateRunes().Select(r => r.ToString()).ToArray()), length)
        let text = string.Concat(chars).Trim()
        where text.Length > 0 && text.Length <= longest
        select text;
}
