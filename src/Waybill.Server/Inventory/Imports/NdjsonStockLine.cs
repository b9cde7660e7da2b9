using Waybill.Domain.Inventory;
using System.Text.Json;
using System.Text.Unicode;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// One NDJSON line: <c>{ "recordId", "location", "sku", "onHand", "safetyStock", "futures": [{ "quantity", "expectedAt" }] }</c>.
/// Read with <see cref="Utf8JsonReader"/> straight from the body's bytes: a good line allocates its record and strings and nothing else.
/// Property names are matched exactly (camelCase, as everywhere in the API); other properties are ignored.
/// </summary>
internal static class NdjsonStockLine
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LittleEndianMark => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BigEndianMark => [0xFE, 0xFF];

    /// <summary>The record or the line's error; null for a blank line, which is no record but still counts as a line.</summary>
    public static ImportItem? Read(ReadOnlySpan<byte> text, int line, RepeatedText locations)
    {
        if (line == 1)
        {
            // Every line of a UTF-16 file would be an error of its own; one message for the file says what is wrong.
            if (text.StartsWith(Utf16LittleEndianMark) || text.StartsWith(Utf16BigEndianMark))
                throw new StockFileUnreadableException("the file is UTF-16: an NDJSON import must be UTF-8");
            if (text.StartsWith(ByteOrderMark))
                text = text[ByteOrderMark.Length..];
        }
        if (text.IndexOfAnyExcept(" \t\r"u8) < 0)
            return null;
        if (!Utf8.IsValid(text))
            return Skipped(line, null, "the line is not valid UTF-8");

        var json = new Utf8JsonReader(text);
        var problems = new LineProblems();
        string? recordId = null, location = null, sku = null;
        int? onHand = null, safetyStock = null;
        bool recordIdGiven = false, locationGiven = false, skuGiven = false, onHandGiven = false;
        IReadOnlyList<StockFuture> futures = [];
        try
        {
            json.Read();
            if (json.TokenType != JsonTokenType.StartObject)
            {
                var kind = Describe(json.TokenType);
                // Anything malformed after the value is reported as malformed JSON (the catch below), not as a wrong kind of value.
                json.Skip();
                json.Read();
                return Skipped(line, null, $"the line must be a JSON object, got {kind}");
            }

            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                if (json.ValueTextEquals("recordId"u8))
                {
                    json.Read();
                    recordIdGiven = true;
                    recordId = ReadText(ref json, new FieldName("recordId"), StockLineRules.RecordIdMaxLength, null, ref problems);
                }
                else if (json.ValueTextEquals("location"u8))
                {
                    json.Read();
                    locationGiven = true;
                    location = ReadText(ref json, new FieldName("location"), StockLineRules.LocationMaxLength, locations, ref problems);
                }
                else if (json.ValueTextEquals("sku"u8))
                {
                    json.Read();
                    skuGiven = true;
                    sku = ReadText(ref json, new FieldName("sku"), StockLineRules.SkuMaxLength, null, ref problems);
                }
                else if (json.ValueTextEquals("onHand"u8))
                {
                    json.Read();
                    onHand = ReadQuantity(ref json, new FieldName("onHand"), 0, ref problems, out onHandGiven);
                }
                else if (json.ValueTextEquals("safetyStock"u8))
                {
                    json.Read();
                    safetyStock = ReadQuantity(ref json, new FieldName("safetyStock"), 0, ref problems, out var safetyStockGiven);
                    if (!safetyStockGiven)
                        safetyStock = 0;
                }
                else if (json.ValueTextEquals("futures"u8))
                {
                    json.Read();
                    futures = ReadFutures(ref json, ref problems);
                }
                else
                {
                    json.Skip();
                }
            }
            // Only whitespace may follow the object; Read throws on anything else.
            json.Read();
        }
        catch (JsonException e)
        {
            return Skipped(line, recordId, MalformedJson(e));
        }

        if (!recordIdGiven)
            problems.Add("recordId is required");
        if (!locationGiven)
            problems.Add("location is required");
        if (!skuGiven)
            problems.Add("sku is required");
        if (!onHandGiven)
            problems.Add("onHand is required");
        if (problems.Any || recordId is null || location is null || sku is null || onHand is not { } stock)
            return Skipped(line, recordId, problems.Message);
        return new ImportItem(new StockRecord(line, recordId, location, sku, stock, safetyStock ?? 0, futures), null);
    }

    private static string? ReadText(ref Utf8JsonReader json, FieldName field, int maxLength, RepeatedText? repeated, ref LineProblems problems)
    {
        switch (json.TokenType)
        {
            case JsonTokenType.String:
                var value = repeated is not null && !json.ValueIsEscaped ? repeated.Of(json.ValueSpan) : json.GetString();
                return StockLineRules.Text(field, value, maxLength, ref problems);
            case JsonTokenType.Null:
                problems.Add($"{field} is required");
                return null;
            default:
                problems.Add($"{field} must be a string, got {Describe(json.TokenType)}");
                json.Skip();
                return null;
        }
    }

    /// <summary>A JSON number that is a whole quantity; null (or the property left out) is "not given", which the caller judges.</summary>
    private static int? ReadQuantity(ref Utf8JsonReader json, FieldName field, int min, ref LineProblems problems, out bool given)
    {
        given = json.TokenType != JsonTokenType.Null;
        switch (json.TokenType)
        {
            case JsonTokenType.Number:
                return StockLineRules.Quantity(field, json.ValueSpan, min, ref problems);
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                // "3" is text, not a quantity: the API's JSON reads numbers strictly, and so does the import.
                problems.Add($"{field} must be a whole number, got \"{StockLineRules.Shown(json.ValueSpan)}\"");
                return null;
            default:
                problems.Add($"{field} must be a whole number, got {Describe(json.TokenType)}");
                json.Skip();
                return null;
        }
    }

    private static IReadOnlyList<StockFuture> ReadFutures(ref Utf8JsonReader json, ref LineProblems problems)
    {
        if (json.TokenType == JsonTokenType.Null)
            return [];
        if (json.TokenType != JsonTokenType.StartArray)
        {
            problems.Add($"futures must be an array, got {Describe(json.TokenType)}");
            json.Skip();
            return [];
        }

        List<StockFuture>? futures = null;
        var index = 0;
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            if (json.TokenType == JsonTokenType.StartObject)
            {
                if (ReadFuture(ref json, index, ref problems) is { } future)
                    (futures ??= []).Add(future);
            }
            else
            {
                problems.Add($"{new FieldName("futures", index)} must be an object, got {Describe(json.TokenType)}");
                json.Skip();
            }
            index++;
        }
        return futures is null ? Array.Empty<StockFuture>() : futures;
    }

    private static StockFuture? ReadFuture(ref Utf8JsonReader json, int index, ref LineProblems problems)
    {
        int? quantity = null;
        DateTimeOffset? expectedAt = null;
        bool quantityGiven = false, expectedAtGiven = false;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.ValueTextEquals("quantity"u8))
            {
                json.Read();
                quantity = ReadQuantity(ref json, new FieldName("futures", index, "quantity"), 1, ref problems, out quantityGiven);
            }
            else if (json.ValueTextEquals("expectedAt"u8))
            {
                json.Read();
                expectedAt = ReadTimestamp(ref json, new FieldName("futures", index, "expectedAt"), ref problems, out expectedAtGiven);
            }
            else
            {
                json.Skip();
            }
        }
        if (!quantityGiven)
            problems.Add($"{new FieldName("futures", index, "quantity")} is required");
        if (!expectedAtGiven)
            problems.Add($"{new FieldName("futures", index, "expectedAt")} is required");
        return quantity is { } q && expectedAt is { } at ? new StockFuture(q, at) : null;
    }

    private static DateTimeOffset? ReadTimestamp(ref Utf8JsonReader json, FieldName field, ref LineProblems problems, out bool given)
    {
        given = json.TokenType != JsonTokenType.Null;
        switch (json.TokenType)
        {
            case JsonTokenType.String when !json.ValueIsEscaped:
                return StockLineRules.Timestamp(field, json.ValueSpan, ref problems);
            case JsonTokenType.String:
                // Unescaping never lengthens a string; a value longer than this is no timestamp anyway and fails as it is.
                Span<byte> unescaped = stackalloc byte[128];
                var text = json.ValueSpan.Length <= unescaped.Length ? unescaped[..json.CopyString(unescaped)] : json.ValueSpan;
                return StockLineRules.Timestamp(field, text, ref problems);
            case JsonTokenType.Null:
                return null;
            default:
                problems.Add($"{field} must be an ISO 8601 timestamp string, got {Describe(json.TokenType)}");
                json.Skip();
                return null;
        }
    }

    private static string MalformedJson(JsonException e)
    {
        // The reader's own words say what is wrong ("Expected a ':'"); its line number is always 0 here and only confuses.
        var what = e.Message;
        var position = what.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (position >= 0)
            what = what[..position];
        return e.BytePositionInLine is { } at ? $"malformed JSON at byte {at + 1}: {what}" : $"malformed JSON: {what}";
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };

    private static ImportItem Skipped(int line, string? recordId, string message) => new(null, new ImportLineError(line, recordId, message));
}
