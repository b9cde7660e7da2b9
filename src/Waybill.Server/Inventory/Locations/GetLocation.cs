using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Locations;

/// <summary><c>GET /api/v1/locations/{code}</c>: one location, with its version in <c>ETag</c> for a later <c>If-Match</c>.</summary>
public static class GetLocation
{
    public static RouteHandlerBuilder MapGetLocation(this RouteGroupBuilder locations) => locations
        .MapGet("/{code}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetLocation");

    public static async Task<Ok<LocationResponse>> Handle(string code, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        Codes.EnsureWellFormed(code);
        var location = await db.Locations.AsNoTracking().FirstOrDefaultAsync(l => l.Code == code, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("location", code));
        http.Response.Headers.ETag = $"\"{location.Version}\"";
        return TypedResults.Ok(LocationResponse.From(location));
    }
}
