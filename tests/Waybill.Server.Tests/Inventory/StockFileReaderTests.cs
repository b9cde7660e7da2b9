using Waybill.Domain.Inventory;
using System.Text;
using Waybill.Server.Inventory.Imports;

namespace Waybill.Server.Tests.Inventory;

/// <summary>The stock import reader: what a good line gives, how each bad line is reported, and where reading stops.</summary>
public sealed class StockFileReaderTests
{
    private const string Header = "recordId,location,sku,onHand,safetyStock,futureQuantity,futureExpectedAt";

    internal static async Task<List<ImportItem>> Read(byte[] body, StockFileFormat format)
    {
        var items = new List<ImportItem>();
        await foreach (var item in StockFileReader.ReadAsync(new MemoryStream(body), format, CancellationToken.None))
            items.Add(item);
        return items;
    }

    private static Task<List<ImportItem>> Read(string body, StockFileFormat format) => Read(Encoding.UTF8.GetBytes(body), format);

    private static async Task<ImportLineError> OnlyError(string body, StockFileFormat format)
    {
        var item = Assert.Single(await Read(body, format));
        Assert.False(item.IsRecord, $"expected an error, got {item.Record}");
        return item.Error;
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    // ---- NDJSON ----

    [Fact]
    public async Task Ndjson_lines_become_records_with_their_futures_in_utc()
    {
        var items = await Read(
            """
            {"recordId":"r1","location":"WH1","sku":"A-1","onHand":12,"safetyStock":2,"futures":[{"quantity":5,"expectedAt":"2026-12-01T08:00:00+01:00"},{"quantity":1,"expectedAt":"2026-12-03"}]}
            {"sku":"B","location":"WH1","recordId":"r2","onHand":0,"note":{"ignored":[1,{"x":null}]},"futures":[]}
            {"recordId":"r3","location":"STORE7","sku":"C","onHand":1000000000,"safetyStock":null,"futures":null}
            """, StockFileFormat.Ndjson);

        Assert.All(items, item => Assert.True(item.IsRecord));
        var (first, second, third) = (items[0].Record!, items[1].Record!, items[2].Record!);
        Assert.Equal((1, "r1", "WH1", "A-1", 12, 2), (first.Line, first.RecordId, first.Location, first.Sku, first.OnHand, first.SafetyStock));
        Assert.Equal([new StockFuture(5, Utc("2026-12-01T07:00:00Z")), new StockFuture(1, Utc("2026-12-03T00:00:00Z"))], first.Futures);
        Assert.All(first.Futures, f => Assert.Equal(TimeSpan.Zero, f.ExpectedAt.Offset));
        Assert.Equal((2, "r2", "B", 0, 0), (second.Line, second.RecordId, second.Sku, second.OnHand, second.SafetyStock));
        Assert.Empty(second.Futures);
        Assert.Equal((3, 1_000_000_000, 0), (third.Line, third.OnHand, third.SafetyStock));
        Assert.Empty(third.Futures);
    }

    [Fact]
    public async Task A_timestamp_without_an_offset_is_utc_and_escaped_text_is_read()
    {
        var item = Assert.Single(await Read(
            """{"recordId":"r\u00e91","location":"W\u0048","sku":"\"A\"","onHand":1,"futures":[{"quantity":2,"expectedAt":"2026-12-01T08:30:00.25"},{"quantity":3,"expectedAt":"2026-12-01T08:30:00\u005a"}]}""",
            StockFileFormat.Ndjson));
        Assert.Equal(("ré1", "WH", "\"A\""), (item.Record!.RecordId, item.Record.Location, item.Record.Sku));
        Assert.Equal(Utc("2026-12-01T08:30:00.25Z"), item.Record.Futures[0].ExpectedAt);
        Assert.Equal(TimeSpan.Zero, item.Record.Futures[0].ExpectedAt.Offset);
        Assert.Equal(Utc("2026-12-01T08:30:00Z"), item.Record.Futures[1].ExpectedAt);
    }

    public static TheoryData<string, string, string?> BadNdjsonLines() => new()
    {
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":3.5}""", "onHand must be a whole number, got 3.5", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1e3}""", "onHand must be a whole number, got 1e3", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":"3"}""", "onHand must be a whole number, got \"3\"", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":true}""", "onHand must be a whole number, got a boolean", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":-1}""", "onHand must be between 0 and 1000000000, got -1", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1000000001}""", "onHand must be between 0 and 1000000000, got 1000000001", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":99999999999999999999999}""", "onHand must be between 0 and 1000000000, got 99999999999999999999999", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A"}""", "onHand is required", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":null}""", "onHand is required", "r" },
        { """{"location":"WH1","sku":"A","onHand":1}""", "recordId is required", null },
        { """{"recordId":"  ","location":"WH1","sku":"A","onHand":1}""", "recordId is required", null },
        { """{"recordId":42,"location":"WH1","sku":"A","onHand":1}""", "recordId must be a string, got a number", null },
        { $$"""{"recordId":"{{new string('r', 129)}}","location":"WH1","sku":"A","onHand":1}""", "recordId is longer than 128 characters", null },
        { """{"recordId":"r","location":"","sku":"A","onHand":1}""", "location is required", "r" },
        { """{"recordId":"r","sku":"A","onHand":1}""", "location is required", "r" },
        { $$"""{"recordId":"r","location":"{{new string('W', 65)}}","sku":"A","onHand":1}""", "location is longer than 64 characters", "r" },
        { """{"recordId":"r","location":"WH1","onHand":1}""", "sku is required", "r" },
        { $$"""{"recordId":"r","location":"WH1","sku":"{{new string('S', 101)}}","onHand":1}""", "sku is longer than 100 characters", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"safetyStock":-2}""", "safetyStock must be between 0 and 1000000000, got -2", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"safetyStock":1.5}""", "safetyStock must be a whole number, got 1.5", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":0,"expectedAt":"2026-12-01T00:00:00Z"}]}""", "futures[0].quantity must be between 1 and 1000000000, got 0", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":2.5,"expectedAt":"2026-12-01T00:00:00Z"}]}""", "futures[0].quantity must be a whole number, got 2.5", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"expectedAt":"2026-12-01T00:00:00Z"}]}""", "futures[0].quantity is required", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":4}]}""", "futures[0].expectedAt is required", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":4,"expectedAt":"2026-12-01T00:00:00Z"},{"quantity":4,"expectedAt":"tomorrow"}]}""", "futures[1].expectedAt must be an ISO 8601 timestamp such as 2026-11-22T10:15:00Z, got \"tomorrow\"", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":4,"expectedAt":"01/12/2026"}]}""", "futures[0].expectedAt must be an ISO 8601 timestamp", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":4,"expectedAt":20261201}]}""", "futures[0].expectedAt must be an ISO 8601 timestamp string, got a number", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":[{"quantity":4,"expectedAt":"2026-12-01T00:00:00Z"},5]}""", "futures[1] must be an object, got a number", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1,"futures":{"quantity":4}}""", "futures must be an array, got an object", "r" },
        { """{"RecordId":"r","location":"WH1","sku":"A","onHand":1}""", "recordId is required", null },
        { """{"recordId":"r","location":"","sku":"A","onHand":-1}""", "location is required; onHand must be between 0 and 1000000000, got -1", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":""", "malformed JSON", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1} trailing""", "malformed JSON", "r" },
        { """{"recordId":"r","location":"WH1","sku":"A","onHand":1}{}""", "malformed JSON", "r" },
        { """{recordId:"r"}""", "malformed JSON", null },
        { """[{"recordId":"r","location":"WH1","sku":"A","onHand":1}]""", "the line must be a JSON object, got an array", null },
        { "\"r,WH1,A,1\"", "the line must be a JSON object, got a string", null },
        { "42", "the line must be a JSON object, got a number", null },
        { "null", "the line must be a JSON object, got null", null },
        { "[1,2", "malformed JSON", null },
    };

    [Theory]
    [MemberData(nameof(BadNdjsonLines))]
    public async Task A_bad_ndjson_line_is_reported_with_the_field_and_skipped(string line, string message, string? recordId)
    {
        var error = await OnlyError(line, StockFileFormat.Ndjson);
        Assert.Equal(1, error.Line);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(recordId, error.RecordId);
    }

    [Fact]
    public async Task Reading_goes_on_after_a_bad_line_and_blank_lines_still_count()
    {
        var body = "{\"recordId\":\"r1\",\"location\":\"WH1\",\"sku\":\"A\",\"onHand\":1}\r\n"
            + "\r\n"
            + "{\"recordId\":\"r3\",\"location\":\"WH1\",\"sku\":\"B\",\"onHand\":-4}\n"
            + "   \t\n"
            + "\n"
            + "{\"recordId\":\"r6\",\"location\":\"WH1\",\"sku\":\"C\",\"onHand\":6}"; // no newline at the end

        var items = await Read(body, StockFileFormat.Ndjson);

        Assert.Equal(3, items.Count);
        Assert.Equal((1, "r1"), (items[0].Record!.Line, items[0].Record!.RecordId));
        Assert.Equal((3, "r3"), (items[1].Error!.Line, items[1].Error!.RecordId));
        Assert.Equal((6, "r6"), (items[2].Record!.Line, items[2].Record!.RecordId));
    }

    [Fact]
    public async Task A_byte_order_mark_is_not_part_of_the_first_line_and_an_empty_body_has_no_lines()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"recordId\":\"r1\",\"location\":\"WH1\",\"sku\":\"A\",\"onHand\":1}\n")).ToArray();
        Assert.True(Assert.Single(await Read(body, StockFileFormat.Ndjson)).IsRecord);
        Assert.Empty(await Read([], StockFileFormat.Ndjson));
        Assert.Empty(await Read("\n\n", StockFileFormat.Ndjson));
    }

    [Fact]
    public async Task A_line_that_is_not_utf8_is_reported_and_the_next_one_is_read()
    {
        var good = Encoding.UTF8.GetBytes("{\"recordId\":\"r2\",\"location\":\"WH1\",\"sku\":\"A\",\"onHand\":1}\n");
        byte[] bad = [.. "{\"recordId\":\"r1\",\"location\":\"WH"u8, 0xFF, 0xFE, .. "\",\"sku\":\"A\",\"onHand\":1}\n"u8];

        var items = await Read([.. bad, .. good], StockFileFormat.Ndjson);

        Assert.Equal((1, "the line is not valid UTF-8"), (items[0].Error!.Line, items[0].Error!.Message));
        Assert.Equal(2, items[1].Record!.Line);
    }

    [Fact]
    public async Task A_line_longer_than_a_mebibyte_is_reported_unread_and_the_next_one_is_read()
    {
        var huge = "{\"recordId\":\"r1\",\"location\":\"WH1\",\"sku\":\"" + new string('A', 3 * 1024 * 1024) + "\",\"onHand\":1}\n";
        var body = huge + "{\"recordId\":\"r2\",\"location\":\"WH1\",\"sku\":\"A\",\"onHand\":1}\n" + huge;

        var items = await Read(body, StockFileFormat.Ndjson);

        Assert.Equal(3, items.Count);
        Assert.Equal((1, null, "the line is longer than 1048576 bytes"), (items[0].Error!.Line, items[0].Error!.RecordId, items[0].Error!.Message));
        Assert.Equal(2, items[1].Record!.Line);
        Assert.Equal(3, items[2].Error!.Line);
    }

    [Fact]
    public async Task A_line_just_under_the_limit_is_read()
    {
        var prefix = "{\"recordId\":\"r1\",\"location\":\"WH1\",\"sku\":\"A\",\"onHand\":1,\"padding\":\"";
        var suffix = "\"}";
        var line = prefix + new string(' ', 1024 * 1024 - 1 - prefix.Length - suffix.Length) + suffix;
        Assert.True(Assert.Single(await Read(line + "\n", StockFileFormat.Ndjson)).IsRecord);
    }

    [Fact]
    public async Task A_utf16_ndjson_file_fails_as_a_whole()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"recordId\":\"r1\",\"location\":\"WH1\",\"sku\":\"A\",\"onHand\":1}\n")).ToArray();
        var error = await Assert.ThrowsAsync<StockFileUnreadableException>(() => Read(body, StockFileFormat.Ndjson));
        Assert.Equal("the file is UTF-16: an NDJSON import must be UTF-8", error.Message);
    }

    [Theory]
    [InlineData(StockFileFormat.Ndjson)]
    [InlineData(StockFileFormat.Csv)]
    public async Task Reading_stops_when_cancelled_even_from_a_body_that_never_waits(StockFileFormat format)
    {
        using var cancel = new CancellationTokenSource();
        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in StockFileReader.ReadAsync(new GeneratedStockBody(int.MaxValue, format), format, cancel.Token))
            {
                if (++read == 1000)
                    await cancel.CancelAsync();
            }
        });
        Assert.InRange(read, 1000, 2000);
    }

    [Theory]
    [InlineData(StockFileFormat.Ndjson)]
    [InlineData(StockFileFormat.Csv)]
    public async Task A_body_that_arrives_in_small_pieces_reads_the_same(StockFileFormat format)
    {
        var whole = new MemoryStream();
        await new GeneratedStockBody(20_000, format).CopyToAsync(whole);
        var expected = await Read(whole.ToArray(), format);

        var pieces = new List<ImportItem>();
        await foreach (var item in StockFileReader.ReadAsync(new GeneratedChunks(whole.ToArray(), chunk: 7), format, CancellationToken.None))
            pieces.Add(item);

        Assert.Equal(20_000, expected.Count);
        Assert.Equal(expected.Select(i => (i.Record!.Line, i.Record.RecordId, i.Record.Futures.Count)), pieces.Select(i => (i.Record!.Line, i.Record.RecordId, i.Record.Futures.Count)));
    }

    // ---- CSV ----

    [Fact]
    public async Task Csv_rows_become_records_whatever_the_column_order_and_case()
    {
        var items = await Read(
            "\uFEFFSKU, Location ,recordid,ONHAND,futureQuantity,FutureExpectedAt,safetyStock,comment\r\n"
            + "A-1,WH1,r1,12,5,2026-12-01T08:00:00+01:00,2,first\r\n"
            + "A-1,WH1,r1,12,1,2026-12-03,2,\r\n"
            + "\"B,2\",WH1,\" r2 \",0,,,,\"said \"\"hi\"\"\"\r\n"
            + " C , STORE7 ,r3, 7 , , , ,\r\n",
            StockFileFormat.Csv);

        Assert.All(items, item => Assert.True(item.IsRecord, item.Error?.Message));
        var rows = items.Select(i => i.Record!).ToList();
        Assert.Equal((2, "r1", "WH1", "A-1", 12, 2), (rows[0].Line, rows[0].RecordId, rows[0].Location, rows[0].Sku, rows[0].OnHand, rows[0].SafetyStock));
        Assert.Equal([new StockFuture(5, Utc("2026-12-01T07:00:00Z"))], rows[0].Futures);
        Assert.Equal([new StockFuture(1, Utc("2026-12-03T00:00:00Z"))], rows[1].Futures);
        // Spaces inside quotes are the sender's own.
        Assert.Equal((4, " r2 ", "B,2", 0, 0), (rows[2].Line, rows[2].RecordId, rows[2].Sku, rows[2].OnHand, rows[2].SafetyStock));
        Assert.Empty(rows[2].Futures);
        // Fields are trimmed outside quotes only.
        Assert.Equal((5, "r3", "STORE7", "C", 7, 0), (rows[3].Line, rows[3].RecordId, rows[3].Location, rows[3].Sku, rows[3].OnHand, rows[3].SafetyStock));
    }

    [Fact]
    public async Task Csv_optional_columns_may_be_left_out()
    {
        var record = Assert.Single(await Read("recordId,location,sku,onHand\nr1,WH1,A,4\n", StockFileFormat.Csv)).Record!;
        Assert.Equal((2, "r1", 4, 0), (record.Line, record.RecordId, record.OnHand, record.SafetyStock));
        Assert.Empty(record.Futures);
    }

    public static TheoryData<string, string, string?> BadCsvRows() => new()
    {
        { "r,WH1,A,3.5,0,,", "onHand must be a whole number, got 3.5", "r" },
        { "r,WH1,A,three,0,,", "onHand must be a whole number, got three", "r" },
        { "r,WH1,A,,0,,", "onHand is required", "r" },
        { "r,WH1,A,-1,0,,", "onHand must be between 0 and 1000000000, got -1", "r" },
        { "r,WH1,A,1000000001,0,,", "onHand must be between 0 and 1000000000, got 1000000001", "r" },
        { "r,WH1,A,1,-1,,", "safetyStock must be between 0 and 1000000000, got -1", "r" },
        { "r,WH1,A,1,0.5,,", "safetyStock must be a whole number, got 0.5", "r" },
        { ",WH1,A,1,0,,", "recordId is required", null },
        { "r,,A,1,0,,", "location is required", "r" },
        { "r,WH1,,1,0,,", "sku is required", "r" },
        { $"r,{new string('W', 65)},A,1,0,,", "location is longer than 64 characters", "r" },
        { "r,WH1,A,1,0,5,", "futureExpectedAt is required when futureQuantity is given", "r" },
        { "r,WH1,A,1,0,,2026-12-01T00:00:00Z", "futureQuantity is required when futureExpectedAt is given", "r" },
        { "r,WH1,A,1,0,0,2026-12-01T00:00:00Z", "futureQuantity must be between 1 and 1000000000, got 0", "r" },
        { "r,WH1,A,1,0,1.5,2026-12-01T00:00:00Z", "futureQuantity must be a whole number, got 1.5", "r" },
        { "r,WH1,A,1,0,2,12/01/2026", "futureExpectedAt must be an ISO 8601 timestamp such as 2026-11-22T10:15:00Z, got \"12/01/2026\"", "r" },
        { "r,WH1,A,1", "the row has 4 fields, the header 7", null },
        { "r,WH1,A,1,0,,,extra", "the row has 8 fields, the header 7", null },
        { "r,WH1,A\"B,1,0,,", "malformed CSV: a quote inside an unquoted field", null },
        { "r,\"WH1,A,1,0,,", "malformed CSV: a quoted field is not closed on its line", null },
        { "r,\"WH1\"x,A,1,0,,", "malformed CSV: text after the closing quote of a field", null },
        { "r,,A,x,0,,", "location is required; onHand must be a whole number, got x", "r" },
    };

    [Theory]
    [MemberData(nameof(BadCsvRows))]
    public async Task A_bad_csv_row_is_reported_with_the_field_and_reading_goes_on(string row, string message, string? recordId)
    {
        var items = await Read($"{Header}\n{row}\nr9,WH1,Z,9,0,,\n", StockFileFormat.Csv);

        Assert.Equal(2, items.Count);
        var bad = items[0];
        Assert.False(bad.IsRecord, $"expected an error, got {bad.Record}");
        Assert.Equal(2, bad.Error.Line);
        Assert.StartsWith(message, bad.Error.Message, StringComparison.Ordinal);
        Assert.Equal(recordId, bad.Error.RecordId);
        Assert.Equal((3, "r9"), (items[1].Record!.Line, items[1].Record!.RecordId));
    }

    [Fact]
    public async Task Badly_quoted_csv_rows_in_a_row_are_each_reported_in_file_order()
    {
        var items = await Read($"{Header}\nr2,\"WH1,A,1,0,,\nr3,WH\"1,A,1,0,,\nr4,\"WH1\"x,A,1,0,,\nr5,WH1,A,1,0,,\nr6,\"WH1,A,1,0,,", StockFileFormat.Csv);

        Assert.Equal([2, 3, 4, 5, 6], items.Select(i => i.IsRecord ? i.Record.Line : i.Error.Line));
        Assert.Equal([false, false, false, true, false], items.Select(i => i.IsRecord));
    }

    [Fact]
    public async Task Csv_lines_count_the_header_and_blank_lines()
    {
        var items = await Read($"{Header}\r\n\r\nr3,WH1,A,-1,0,,\r\n   \r\nr5,WH1,B,5,0,,", StockFileFormat.Csv);

        Assert.Equal(2, items.Count);
        Assert.Equal((3, "r3"), (items[0].Error!.Line, items[0].Error!.RecordId));
        Assert.Equal((5, "r5"), (items[1].Record!.Line, items[1].Record!.RecordId));
    }

    [Fact]
    public async Task A_csv_row_that_is_not_utf8_is_reported_and_the_next_one_is_read()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes($"{Header}\nr2,WH"), 0xC3, 0x28, .. "1,A,1,0,,\nr3,WH1,A,1,0,,\n"u8];
        var items = await Read(body, StockFileFormat.Csv);
        Assert.Equal((2, "the line is not valid UTF-8"), (items[0].Error!.Line, items[0].Error!.Message));
        Assert.Equal(3, items[1].Record!.Line);
    }

    [Theory]
    [InlineData("recordId,location,sku,safetyStock\nr1,WH1,A,1\n", "the CSV header lacks the required column onHand")]
    [InlineData("recordid,sku,safetyStock\n", "the CSV header lacks the required columns location, onHand")]
    [InlineData("recordId;location;sku;onHand\nr1;WH1;A;1\n", "the CSV header lacks the required columns recordId, location, sku, onHand (columns must be separated by commas)")]
    [InlineData("recordId,location,sku,onHand,futureQuantity\n", "the CSV header has futureQuantity but lacks futureExpectedAt")]
    [InlineData("recordId,location,sku,onHand,SKU\n", "the CSV header names the column sku twice")]
    [InlineData("", "the CSV file is empty")]
    [InlineData("\n\n", "the CSV file is empty")]
    public async Task A_csv_file_whose_header_cannot_be_used_fails_as_a_whole(string body, string message)
    {
        var error = await Assert.ThrowsAsync<StockFileUnreadableException>(() => Read(body, StockFileFormat.Csv));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_row_longer_than_a_mebibyte_fails_the_file()
    {
        var body = $"{Header}\nr1,WH1,A,1,0,,\nr2,WH1,{new string('A', 3 * 1024 * 1024)},1,0,,\nr3,WH1,A,1,0,,\n";
        var error = await Assert.ThrowsAsync<StockFileUnreadableException>(async () =>
        {
            await foreach (var item in StockFileReader.ReadAsync(new GeneratedChunks(Encoding.UTF8.GetBytes(body)), StockFileFormat.Csv, CancellationToken.None))
                Assert.True(item.IsRecord);
        });
        Assert.StartsWith("the CSV file cannot be read from line 3 on", error.Message, StringComparison.Ordinal);
    }

    // ---- Content types ----

    [Theory]
    [InlineData("application/x-ndjson", StockFileFormat.Ndjson)]
    [InlineData("application/ndjson", StockFileFormat.Ndjson)]
    [InlineData("application/jsonl", StockFileFormat.Ndjson)]
    [InlineData("Application/X-NDJSON; charset=utf-8", StockFileFormat.Ndjson)]
    [InlineData("text/csv", StockFileFormat.Csv)]
    [InlineData(" text/csv ;charset=UTF-8; header=present", StockFileFormat.Csv)]
    public void Content_types_name_their_format(string contentType, StockFileFormat format)
    {
        Assert.True(StockFileReader.TryFormatOf(contentType, out var found));
        Assert.Equal(format, found);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("text/csvx")]
    public void Other_content_types_name_no_format(string? contentType) =>
        Assert.False(StockFileReader.TryFormatOf(contentType, out _));
}

/// <summary>A body that arrives in small pieces, as from a network, so readers cannot see the whole of it at once.</summary>
internal sealed class GeneratedChunks(byte[] body, int chunk = 8 * 1024) : MemoryStream(body)
{
    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(chunk, buffer.Length)]);

    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(chunk, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));
}
