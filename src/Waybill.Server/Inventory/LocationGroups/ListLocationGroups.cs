using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.LocationGroups;

/// <summary>
/// <c>GET /api/v1/location-groups</c>: the built-in group <c>all</c> first, then the stored groups in code order.
/// </summary>
public static class ListLocationGroups
{
    // Cursor positions: past the built-in group, or past a stored group's code.
    private const string PastBuiltIn = "builtin";
    private const string PastStoredPrefix = "group:";

    public static RouteHandlerBuilder MapListLocationGroups(this RouteGroupBuilder groups) => groups
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListLocationGroups");

    public static async Task<Ok<Page<LocationGroupResponse>>> Handle(WaybillDb db, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var items = new List<LocationGroupResponse>();
        string? afterCode = null;
        if (page.After is null) items.Add(await LocationGroupStore.AllAsync(db, cancellationToken));
        else if (page.After.StartsWith(PastStoredPrefix, StringComparison.Ordinal)) afterCode = page.After[PastStoredPrefix.Length..];
        else if (page.After != PastBuiltIn) throw new ProblemException(Problems.Validation("cursor", "The cursor is not one this server gave out."));

        var room = page.Limit - items.Count;
        var query = db.LocationGroups.AsNoTracking().Whole();
        if (afterCode is not null) query = query.Where(g => string.Compare(g.Code, afterCode) > 0);
        var groups = await query.OrderBy(g => g.Code).Take(room + 1).AsSplitQuery().ToListAsync(cancellationToken);

        var onPage = groups.Take(room).ToList();
        items.AddRange(onPage.Select(LocationGroupResponse.From));
        string? next = null;
        if (groups.Count > room)
            next = PageRequest.Encode(onPage.Count == 0 ? PastBuiltIn : PastStoredPrefix + onPage[^1].Code);
        return TypedResults.Ok(new Page<LocationGroupResponse>(items, next));
    }
}
