using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary><c>GET /api/v1/flows</c>: every flow, the shipped defaults included, by name.</summary>
public static class ListFlows
{
    public sealed record Response(IReadOnlyList<FlowSummary> Items);

    public static RouteHandlerBuilder MapListFlows(this RouteGroupBuilder flows) => flows
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListFlows");

    public static async Task<Ok<Response>> Handle(WaybillDb db, FlowCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(new Response([.. (await catalog.AllAsync(db, cancellationToken)).Select(FlowSummary.From)]));
}
