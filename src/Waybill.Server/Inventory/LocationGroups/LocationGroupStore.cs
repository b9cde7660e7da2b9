using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;

namespace Waybill.Server.Inventory.LocationGroups;

/// <summary>Reading groups whole (with their members), the built-in <c>all</c> included — computed, never stored.</summary>
public static class LocationGroupStore
{
    public static IQueryable<LocationGroup> Whole(this IQueryable<LocationGroup> groups) => groups.Include(g => g.Members);

    /// <summary>The group as the API shows it, or null when there is none with this code.</summary>
    public static async Task<LocationGroupResponse?> FindResponseAsync(WaybillDb db, string code, CancellationToken cancellationToken)
    {
        if (code == LocationGroup.All) return await AllAsync(db, cancellationToken);
        var group = await db.LocationGroups.AsNoTracking().Whole().FirstOrDefaultAsync(g => g.Code == code, cancellationToken);
        return group is null ? null : LocationGroupResponse.From(group);
    }

    /// <summary>The built-in group: every active location, read now, so it always follows the active flags.</summary>
    public static async Task<LocationGroupResponse> AllAsync(WaybillDb db, CancellationToken cancellationToken)
    {
        var active = await db.Locations.AsNoTracking().Where(l => l.Active).Select(l => l.Code).ToListAsync(cancellationToken);
        // Code order as stored groups show it (ordinal, whatever the database's collation).
        active.Sort(StringComparer.Ordinal);
        return LocationGroupResponse.All(active);
    }
}
