using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// <c>POST /api/v1/flows/{name}/enable</c> and <c>/disable</c> (no body): switches a flow on or off as a new version.
/// For a shipped default the stored row keeps only the switch; the text stays the release's file.
/// </summary>
public static class EnableFlow
{
    public static RouteGroupBuilder MapEnableFlow(this RouteGroupBuilder flows)
    {
        flows.MapPost("/{name}/enable", (string name, HttpContext http, WaybillDb db, FlowCatalog catalog, FlowVersions versions, RequestCommit commit,
                CancellationToken cancellationToken) => Handle(name, true, http, db, catalog, versions, commit, cancellationToken))
            .RequireAuthorization(Policies.Admin)
            .WithName("EnableFlow");
        flows.MapPost("/{name}/disable", (string name, HttpContext http, WaybillDb db, FlowCatalog catalog, FlowVersions versions, RequestCommit commit,
                CancellationToken cancellationToken) => Handle(name, false, http, db, catalog, versions, commit, cancellationToken))
            .RequireAuthorization(Policies.Admin)
            .WithName("DisableFlow");
        return flows;
    }

    public static async Task<Ok<FlowDetail>> Handle(
        string name, bool enabled, HttpContext http, WaybillDb db, FlowCatalog catalog, FlowVersions versions, RequestCommit commit, CancellationToken cancellationToken)
    {
        var flow = await catalog.FindAsync(db, name, cancellationToken) ?? throw new ProblemException(Problems.NotFound("flow", name));
        IfMatch.Check(http.Request, flow.Version);
        var stored = await versions.WriteAsync(name, flow.Origin, flow.Text, flow.ContentType, enabled, flow.Priority, flow.Trigger, http.User.Actor(),
            cancellationToken);
        var response = FlowDetail.From(flow with { Enabled = enabled, Version = stored.Version, UpdatedAt = stored.UpdatedAt, UpdatedBy = stored.UpdatedBy });
        await commit.SaveAsync(200, response, null, cancellationToken);
        catalog.Changed();
        http.Response.Headers.ETag = $"\"{stored.Version}\"";
        return TypedResults.Ok(response);
    }
}
