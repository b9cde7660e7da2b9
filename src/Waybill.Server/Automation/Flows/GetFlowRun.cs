using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary><c>GET /api/v1/flow-runs/{id}</c>: the run with every recorded step (inputs, outputs, errors, timings).</summary>
public static class GetFlowRun
{
    public static RouteHandlerBuilder MapGetFlowRun(this RouteGroupBuilder runs) => runs
        .MapGet("/{id}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetFlowRun");

    public static async Task<Ok<FlowRunResponse>> Handle(string id, WaybillDb db, CancellationToken cancellationToken)
    {
        var run = await db.FlowRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("flow run", id));
        var steps = await db.FlowRunSteps.AsNoTracking().Where(s => s.RunId == id).ToListAsync(cancellationToken);
        return TypedResults.Ok(FlowRunResponse.From(run, steps));
    }
}
