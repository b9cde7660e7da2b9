using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary><c>GET /api/v1/flows/{name}</c>: the flow with its file's text.</summary>
public static class GetFlow
{
    public static RouteHandlerBuilder MapGetFlow(this RouteGroupBuilder flows) => flows
        .MapGet("/{name}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetFlow");

    public static async Task<Ok<FlowDetail>> Handle(string name, WaybillDb db, FlowCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(FlowDetail.From(await catalog.FindAsync(db, name, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("flow", name))));
}
