using System.Buffers.Text;
using System.Text;

namespace Waybill.Server.Platform;

/// <summary>Every list answers <c>{ items, nextCursor }</c>; the cursor is opaque to clients (api.md "Lists").</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public readonly record struct PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static PageRequest Parse(int? limit, string? cursor)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
            throw new ProblemException(Problems.Validation("limit", $"limit must be between 1 and {MaxLimit}."));
        if (string.IsNullOrEmpty(cursor)) return new PageRequest(size, null);
        try
        {
            return new PageRequest(size, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)));
        }
        catch (FormatException)
        {
            throw new ProblemException(Problems.Validation("cursor", "The cursor is not one this server gave out."));
        }
    }

    /// <summary>The position after which a sequence-ordered list (history, event feed) continues; 0 for the first page.</summary>
    public long AfterSequence =>
        After is null ? 0
        : long.TryParse(After, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) ? sequence
        : throw new ProblemException(Problems.Validation("cursor", "The cursor is not one this server gave out."));

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    /// <summary>Builds the page from a query that fetched one row more than the limit (that extra row says there is a next page).</summary>
    public Page<TOut> ToPage<TIn, TOut>(IReadOnlyList<TIn> fetched, Func<TIn, string> positionOf, Func<TIn, TOut> map)
    {
        var hasMore = fetched.Count > Limit;
        var items = fetched.Take(Limit).Select(map).ToList();
        var next = hasMore ? Encode(positionOf(fetched[Limit - 1])) : null;
        return new Page<TOut>(items, next);
    }
}
