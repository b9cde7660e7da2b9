using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>GET /api/v1/orders/{id}/history</c>: every change with actor, time, status before and after, and reason; oldest first.</summary>
public static class GetOrderHistory
{
    public sealed record HistoryEntry(DateTimeOffset At, string Actor, string Action, string? FromStatus, string? ToStatus, string? Reason, System.Text.Json.JsonElement? Changes);

    public static RouteHandlerBuilder MapGetOrderHistory(this RouteGroupBuilder orders) => orders
        .MapGet("/{id}/history", Handle)
        .RequireAuthorization(Policies.ReadOrders)
        .WithName("GetOrderHistory");

    public static async Task<Ok<Page<HistoryEntry>>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        if (!await db.Orders.VisibleTo(http.User).AnyAsync(o => o.Id == id, cancellationToken)) throw new ProblemException(Problems.NotFound("order", id));
        var after = page.AfterSequence;
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "order" && a.EntityId == id && a.Sequence > after)
            .OrderBy(a => a.Sequence)
            .Take(page.Limit + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(entries, a => a.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), a =>
            new HistoryEntry(a.At, a.Actor, a.Action, a.FromStatus, a.ToStatus, a.Reason,
                a.Changes is null ? null : System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(a.Changes))));
    }
}
