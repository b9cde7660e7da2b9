using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.LocationGroups;

/// <summary>
/// A location group as the API returns it, and as <c>location_group.upserted</c> carries it. The built-in group
/// <c>all</c> has no stored record: <c>builtIn</c> is true and its version and timestamps are null.
/// </summary>
public sealed record LocationGroupResponse(
    string Code,
    string Name,
    IReadOnlyList<string> Locations,
    int? Version,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    bool BuiltIn)
{
    public const string AllName = "All active locations";

    public static LocationGroupResponse From(LocationGroup group) =>
        new(group.Code, group.Name, group.Locations, group.Version, group.CreatedAt, group.UpdatedAt, BuiltIn: false);

    public static LocationGroupResponse All(IReadOnlyList<string> activeLocations) =>
        new(LocationGroup.All, AllName, activeLocations, null, null, null, BuiltIn: true);
}
