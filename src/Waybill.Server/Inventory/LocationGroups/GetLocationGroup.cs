using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.LocationGroups;

/// <summary><c>GET /api/v1/location-groups/{code}</c>: one group and its locations; <c>all</c> lists every active location.</summary>
public static class GetLocationGroup
{
    public static RouteHandlerBuilder MapGetLocationGroup(this RouteGroupBuilder groups) => groups
        .MapGet("/{code}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetLocationGroup");

    public static async Task<Ok<LocationGroupResponse>> Handle(string code, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        Codes.EnsureWellFormed(code);
        var group = await LocationGroupStore.FindResponseAsync(db, code, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("location group", code));
        if (group.Version is { } version) http.Response.Headers.ETag = $"\"{version}\"";
        return TypedResults.Ok(group);
    }
}
