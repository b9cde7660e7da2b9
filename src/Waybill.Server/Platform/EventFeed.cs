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
        var after = page.AfterSequence;
        var query = Committed(db).Where(e => e.Sequence > after);
        if (!string.IsNullOrWhiteSpace(types))
        {
            var wanted = types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            query = query.Where(e => wanted.Contains(e.Type));
        }
        if (!string.IsNullOrWhiteSpace(subject)) query = query.Where(e => e.Subject == subject);

        var events = await query.OrderBy(e => e.Sequence).Take(page.Limit + 1).AsNoTracking().ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(events, e => e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), ToCloudEvent));
    }

    public static CloudEvent ToCloudEvent(OutboxEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        return new CloudEvent("1.0", e.Id, "/waybill", e.Type, e.Subject, e.Time, "application/json", data.RootElement.Clone());
    }

    /// <summary>
    /// On PostgreSQL, sequence numbers are handed out before commit, so a later number can become visible first.
    /// Only events of transactions older than every one still running are served; a reader's cursor never skips one.
    /// </summary>
    public static IQueryable<OutboxEvent> Committed(WaybillDb db) => db.IsPostgres
        ? db.OutboxEvents.FromSqlRaw(
            "SELECT * FROM outbox_events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        : db.OutboxEvents;
}
