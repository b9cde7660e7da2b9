using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Locations;

/// <summary><c>GET /api/v1/locations?active=&amp;type=</c>: the locations in code order, a page at a time.</summary>
public static class ListLocations
{
    public static RouteHandlerBuilder MapListLocations(this RouteGroupBuilder locations) => locations
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListLocations");

    public static async Task<Ok<Page<LocationResponse>>> Handle(
        WaybillDb db, CancellationToken cancellationToken, bool? active = null, string? type = null, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.Locations.AsNoTracking();
        if (active is not null) query = query.Where(l => l.Active == active.Value);
        if (type is not null)
        {
            var wanted = ParseType(type);
            query = query.Where(l => l.Type == wanted);
        }
        if (page.After is not null) query = query.Where(l => string.Compare(l.Code, page.After) > 0);

        var locations = await query.OrderBy(l => l.Code).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(locations, l => l.Code, LocationResponse.From));
    }

    private static readonly Dictionary<string, LocationType> TypesByName =
        Enum.GetValues<LocationType>().ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    private static LocationType ParseType(string value) =>
        TypesByName.TryGetValue(value, out var type)
            ? type
            : throw new ProblemException(Problems.Validation("type", $"'{value}' is not a location type: {string.Join(", ", TypesByName.Keys)}."));
}
