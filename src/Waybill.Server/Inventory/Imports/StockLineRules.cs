using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// The checks every stock line meets, shared by the NDJSON and the CSV reader so that both formats accept exactly the
/// same values and word their complaints the same way. Values arrive as UTF-8, as they are in the body.
/// </summary>
internal static class StockLineRules
{
    public const int RecordIdMaxLength = 128;
    public const int LocationMaxLength = 64;
    public const int SkuMaxLength = 100;

    // Safety stock and futures share the on-hand ceiling: an availability sum of a few of them stays far from int overflow.
    public const int MaxQuantity = 1_000_000_000;

    // A line longer than this is reported and skipped unread, so one hostile line cannot make the reader buffer the body.
    // A real line is a few hundred bytes; this leaves room for thousands of futures.
    public const int MaxLineBytes = 1024 * 1024;

    // Longer than any ISO 8601 timestamp (2026-11-22T10:15:00.1234567+01:00 is 33 bytes).
    private const int MaxTimestampBytes = 64;

    /// <summary>The text if it is given and short enough; otherwise the problem is noted and the result is null.</summary>
    public static string? Text(FieldName field, string? value, int maxLength, ref LineProblems problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{field} is required");
            return null;
        }
        if (value.Length > maxLength)
        {
            problems.Add($"{field} is longer than {maxLength} characters");
            return null;
        }
        return value;
    }

    /// <summary>
    /// A quantity written as a whole number (<c>7</c>, <c>-2</c>) within <paramref name="min"/>..<see cref="MaxQuantity"/>;
    /// <c>3.5</c>, <c>1e3</c> and anything else is noted as a problem and gives null.
    /// </summary>
    public static int? Quantity(FieldName field, ReadOnlySpan<byte> digits, int min, ref LineProblems problems)
    {
        if (Utf8Parser.TryParse(digits, out long value, out var consumed) && consumed == digits.Length)
        {
            if (value >= min && value <= MaxQuantity)
                return (int)value;
            problems.Add($"{field} must be between {min} and {MaxQuantity}, got {Shown(digits)}");
            return null;
        }
        problems.Add(IsInteger(digits)
            ? $"{field} must be between {min} and {MaxQuantity}, got {Shown(digits)}"
            : $"{field} must be a whole number, got {Shown(digits)}");
        return null;
    }

    /// <summary>
    /// An ISO 8601 timestamp as the rest of the API reads one (System.Text.Json's ISO 8601-1 profile), in UTC:
    /// with an offset it is converted, without one it is taken as UTC, never as the server's local time.
    /// </summary>
    public static DateTimeOffset? Timestamp(FieldName field, ReadOnlySpan<byte> text, ref LineProblems problems)
    {
        if (TryParseTimestamp(text, out var value))
            return value;
        problems.Add($"{field} must be an ISO 8601 timestamp such as 2026-11-22T10:15:00Z, got \"{Shown(text)}\"");
        return null;
    }

    private static bool TryParseTimestamp(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        // Quotes, backslashes and control characters are never part of a timestamp, and would change what the JSON token below means.
        if (text.IsEmpty || text.Length > MaxTimestampBytes || text.IndexOfAny((byte)'"', (byte)'\\') >= 0 || text.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
            return false;

        // Utf8JsonReader is the public door to System.Text.Json's timestamp parser, so CSV fields go through it as a JSON string too:
        // one definition of a valid timestamp for both formats and for the JSON API.
        Span<byte> token = stackalloc byte[MaxTimestampBytes + 2];
        token[0] = (byte)'"';
        text.CopyTo(token[1..]);
        token[text.Length + 1] = (byte)'"';
        var reader = new Utf8JsonReader(token[..(text.Length + 2)]);
        try
        {
            if (!reader.Read() || !reader.TryGetDateTimeOffset(out var parsed))
                return false;
            value = HasOffset(text) ? parsed.ToUniversalTime() : new DateTimeOffset(parsed.DateTime, TimeSpan.Zero);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool HasOffset(ReadOnlySpan<byte> text)
    {
        var time = text.IndexOf((byte)'T');
        if (time < 0)
            return false;
        var end = text[(time + 1)..];
        return end.IndexOfAny("Zz+-"u8) >= 0;
    }

    private static bool IsInteger(ReadOnlySpan<byte> text)
    {
        if (!text.IsEmpty && (text[0] == (byte)'-' || text[0] == (byte)'+'))
            text = text[1..];
        return !text.IsEmpty && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
    }

    /// <summary>A value as it was written, cut short, for a message.</summary>
    public static string Shown(ReadOnlySpan<byte> text)
    {
        const int Longest = 40;
        if (text.Length <= Longest)
            return Encoding.UTF8.GetString(text);
        // Cutting mid-character leaves a replacement character at the end, which is fine for a message.
        return Encoding.UTF8.GetString(text[..Longest]) + "…";
    }
}

/// <summary>
/// A field as messages name it: <c>onHand</c>, <c>futureQuantity</c>, <c>futures[2].expectedAt</c>. A value type, so a line
/// that passes never builds the string.
/// </summary>
internal readonly record struct FieldName(string Name, int Index = -1, string? Member = null)
{
    public override string ToString() =>
        Index < 0 ? Name
        : Member is null ? string.Create(CultureInfo.InvariantCulture, $"{Name}[{Index}]")
        : string.Create(CultureInfo.InvariantCulture, $"{Name}[{Index}].{Member}");
}

/// <summary>What is wrong with one line, all of it, so the sender can fix the line in one go.</summary>
internal struct LineProblems
{
    private string? _message;

    public readonly bool Any => _message is not null;

    public readonly string Message => _message ?? "";

    public void Add(string problem) => _message = _message is null ? problem : $"{_message}; {problem}";
}
