using System.Diagnostics.CodeAnalysis;

namespace Waybill.Server.Inventory.Imports;

/// <summary>The two body formats of <c>POST /api/v1/inventory/imports</c>.</summary>
public enum StockFileFormat
{
    Ndjson,
    Csv,
}

/// <summary>What one line of a stock file gave: a record to apply, or the reason the line was skipped. Exactly one is set.</summary>
public readonly record struct ImportItem(StockRecord? Record, ImportLineError? Error)
{
    [MemberNotNullWhen(true, nameof(Record))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsRecord => Record is not null;
}

/// <summary>
/// The file as a whole cannot be read (a CSV header without a required column, an empty CSV file), so nothing in it
/// applies: the import ends <c>failed</c> with this message. Bad single lines never throw; they come back as <see cref="ImportLineError"/>.
/// </summary>
public sealed class StockFileUnreadableException : Exception
{
    public StockFileUnreadableException(string message) : base(message) { }

    public StockFileUnreadableException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Reads a stock import body as it arrives, one line at a time, so a file of millions of lines takes no more memory than
/// one buffer. Every line is checked against the same rules in both formats; a bad line becomes an <see cref="ImportLineError"/>
/// and reading goes on.
/// </summary>
public static class StockFileReader
{
    /// <summary>
    /// The records and line errors of <paramref name="body"/>, in file order. The stream is left open.
    /// Throws <see cref="StockFileUnreadableException"/> (while enumerating) when the file as a whole cannot be read.
    /// </summary>
    public static IAsyncEnumerable<ImportItem> ReadAsync(Stream body, StockFileFormat format, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        return format switch
        {
            StockFileFormat.Ndjson => NdjsonStockFile.ReadAsync(body, ct),
            StockFileFormat.Csv => CsvStockFile.ReadAsync(body, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a stock file format."),
        };
    }

    /// <summary>The format a request's <c>Content-Type</c> names, ignoring parameters such as <c>charset</c>; false for anything else.</summary>
    public static bool TryFormatOf(string? contentType, out StockFileFormat format)
    {
        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
            mediaType = mediaType[..parameters];
        mediaType = mediaType.Trim();

        if (mediaType.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/ndjson", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase))
        {
            format = StockFileFormat.Ndjson;
            return true;
        }
        if (mediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            format = StockFileFormat.Csv;
            return true;
        }
        format = default;
        return false;
    }
}
