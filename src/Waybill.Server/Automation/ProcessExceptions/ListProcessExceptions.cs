using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>GET /api/v1/process-exceptions?status=&amp;category=&amp;severity=&amp;orderId=</c>, newest first.</summary>
public static class ListProcessExceptions
{
    public static RouteHandlerBuilder MapListProcessExceptions(this RouteGroupBuilder exceptions) => exceptions
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListProcessExceptions");

    public static async Task<Ok<Page<ProcessExceptionResponse>>> Handle(
        WaybillDb db, CancellationToken cancellationToken,
        string? status = null, string? category = null, string? severity = null, string? orderId = null, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.ProcessExceptions.AsNoTracking();
        if (ProcessExceptionNames.Filter<ProcessExceptionStatus>(status, "status") is { } s) query = query.Where(e => e.Status == s);
        if (ProcessExceptionNames.Filter<ProcessExceptionCategory>(category, "category") is { } c) query = query.Where(e => e.Category == c);
        if (ProcessExceptionNames.Filter<ProcessExceptionSeverity>(severity, "severity") is { } v) query = query.Where(e => e.Severity == v);
        if (orderId is not null) query = query.Where(e => e.OrderId == orderId);
        // Ids are time-ordered: newest first is descending id, and the cursor is the last id served.
        if (page.After is not null) query = query.Where(e => string.Compare(e.Id, page.After) < 0);
        var found = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(found, e => e.Id, ProcessExceptionResponse.From));
    }
}
