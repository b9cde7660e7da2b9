using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Platform;

/// <summary><c>GET /api/v1/events</c>: the outbox as a feed of CloudEvents, oldest first, for consumers that poll.</summary>
public static class EventFeed
{
    public sealed record CloudEvent(
        string Specversion, string Id, string Source, string Type, string Subject, DateTimeOffset Time, string Datacontenttype, JsonElement Data);

    public static IEndpointRouteBuilder MapEventFeed(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/events", Handle).RequireAuthorization(Policies.Read).WithTags("Events").WithName("ListEvents").WithStandardProblems();
        return routes;
    }

    public static async Task<Ok<Page<CloudEvent>>> Handle(
        WaybillDb db, CancellationToken cancellationToken, string? cursor = null, int? limit = null, string? types = null, string? subject = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var after = FeedPosition.Parse(page.After);
        var query = After(db, after);
        if (!string.IsNullOrWhiteSpace(types))
        {
            var wanted = types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            query = query.Where(e => wanted.Contains(e.Type));
        }
        if (!string.IsNullOrWhiteSpace(subject)) query = query.Where(e => e.Subject == subject);

        var events = await InFeedOrder(db, query).Take(page.Limit + 1).AsNoTracking().ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(events, e => FeedPosition.Of(e).ToString(), ToCloudEvent));
    }

    public static CloudEvent ToCloudEvent(OutboxEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        return new CloudEvent("1.0", e.Id, "/waybill", e.Type, e.Subject, e.Time, "application/json", data.RootElement.Clone());
    }

    /// <summary>
    /// The committed events after <paramref name="position"/>, for reading in <see cref="InFeedOrder"/>
    /// (docs/decisions/0003-outbox-feed-order-on-postgresql.md). On PostgreSQL only events of transactions older than
    /// every one still running are final — no event can appear before them any more — and the feed reads them in order
    /// of their transaction, then sequence: a reader's position never passes an event that commits later.
    /// </summary>
    public static IQueryable<OutboxEvent> After(WaybillDb db, FeedPosition position)
    {
        if (!db.IsPostgres) return db.OutboxEvents.Where(e => e.Sequence > position.Sequence);
        var transaction = position.TransactionId;
        var sequence = position.Sequence;
        return db.OutboxEvents
            .FromSqlRaw("SELECT * FROM outbox_events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            .Where(e => e.TransactionId > transaction || (e.TransactionId == transaction && e.Sequence > sequence));
    }

    public static IOrderedQueryable<OutboxEvent> InFeedOrder(WaybillDb db, IQueryable<OutboxEvent> events) => db.IsPostgres
        ? events.OrderBy(e => e.TransactionId).ThenBy(e => e.Sequence)
        : events.OrderBy(e => e.Sequence);
}

/// <summary>
/// A place in the event feed: the writing transaction's id and the event's sequence on PostgreSQL, the sequence alone
/// on SQLite (one writer at a time: numbering order is commit order). Written as <c>xid.sequence</c> or <c>sequence</c>.
/// </summary>
public readonly record struct FeedPosition(long TransactionId, long Sequence)
{
    public static readonly FeedPosition Start = new(0, 0);

    public static FeedPosition Of(OutboxEvent e) => new(e.TransactionId ?? 0, e.Sequence);

    public override string ToString() => TransactionId == 0
        ? Sequence.ToString(CultureInfo.InvariantCulture)
        : $"{TransactionId.ToString(CultureInfo.InvariantCulture)}.{Sequence.ToString(CultureInfo.InvariantCulture)}";

    public static FeedPosition Parse(string? text)
    {
        if (text is null) return Start;
        var dot = text.IndexOf('.');
        var (transaction, sequence) = dot < 0 ? ("0", text) : (text[..dot], text[(dot + 1)..]);
        return long.TryParse(transaction, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
               && long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? new FeedPosition(t, s)
            : throw new ProblemException(Problems.Validation("cursor", "The cursor is not one this server gave out."));
    }
}
