using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary><c>GET /api/v1/flow-runs?orderId=&amp;flow=&amp;status=</c>, newest first, with cursor paging.</summary>
public static class ListFlowRuns
{
    public static RouteHandlerBuilder MapListFlowRuns(this RouteGroupBuilder runs) => runs
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListFlowRuns");

    public static async Task<Ok<Page<FlowRunResponse>>> Handle(
        WaybillDb db, CancellationToken cancellationToken, string? orderId = null, string? flow = null, string? status = null, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        if (status is not null && !FlowRunStatuses.All.Contains(status))
            throw new ProblemException(Problems.Validation("status", $"status is one of {string.Join(", ", FlowRunStatuses.All)}."));
        var query = db.FlowRuns.AsNoTracking();
        if (orderId is not null) query = query.Where(r => r.OrderId == orderId);
        if (flow is not null) query = query.Where(r => r.FlowName == flow);
        if (status is not null) query = query.Where(r => r.Status == status);
        // Ids are time-ordered: newest first is descending id, and the cursor is the last id served.
        if (page.After is not null) query = query.Where(r => string.Compare(r.Id, page.After) < 0);
        var found = await query.OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(found, r => r.Id, r => FlowRunResponse.From(r)));
    }
}
