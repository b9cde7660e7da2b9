using Waybill.Domain.Common;
using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.Locations;

/// <summary>A location as the API returns it, and as <c>location.upserted</c> carries it.</summary>
public sealed record LocationResponse(
    string Code,
    string Name,
    LocationType Type,
    Address? Address,
    double? Latitude,
    double? Longitude,
    int Priority,
    bool Active,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static LocationResponse From(Location location) => new(
        location.Code,
        location.Name,
        location.Type,
        location.Address,
        location.Latitude,
        location.Longitude,
        location.Priority,
        location.Active,
        location.Version,
        location.CreatedAt,
        location.UpdatedAt);
}
