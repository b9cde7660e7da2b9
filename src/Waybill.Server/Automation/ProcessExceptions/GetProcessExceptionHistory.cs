using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>GET /api/v1/process-exceptions/{id}/history</c>: every change with actor, time, statuses and note; oldest first.</summary>
public static class GetProcessExceptionHistory
{
    public static RouteHandlerBuilder MapGetProcessExceptionHistory(this RouteGroupBuilder exceptions) => exceptions
        .MapGet("/{id}/history", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetProcessExceptionHistory");

    public static async Task<Ok<Page<GetOrderHistory.HistoryEntry>>> Handle(
        string id, WaybillDb db, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        if (!await db.ProcessExceptions.AnyAsync(e => e.Id == id, cancellationToken)) throw new ProblemException(Problems.NotFound("process exception", id));
        var after = page.AfterSequence;
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == ProcessExceptions.AuditEntity && a.EntityId == id && a.Sequence > after)
            .OrderBy(a => a.Sequence)
            .Take(page.Limit + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(entries, a => a.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), a =>
            new GetOrderHistory.HistoryEntry(a.At, a.Actor, a.Action, a.FromStatus, a.ToStatus, a.Reason, null)));
    }
}
