using Waybill.Domain.Common;

namespace Waybill.Domain.Inventory;

/// <summary>What kind of place holds or ships stock.</summary>
public enum LocationType
{
    Warehouse,
    Store,
    /// <summary>A supplier who ships on the merchant's behalf.</summary>
    DropShip,
    /// <summary>Stock that is not in one building: in transit, a marketplace's warehouse, a pre-order pool.</summary>
    Virtual,
}

/// <summary>Everything a <c>PUT /locations/{code}</c> sets; a replace sets all of it again.</summary>
public sealed record LocationDetails(
    string Name,
    LocationType Type,
    Address? Address,
    double? Latitude,
    double? Longitude,
    int Priority,
    bool Active);

/// <summary>
/// A place that holds stock and ships (or hands over) orders — Salesforce OCI's location. Its coordinates feed
/// routing's distance; its priority breaks ties between equally good routes; only active locations sell.
/// </summary>
public sealed class Location
{
    public const int MaxNameLength = 200;

    /// <summary>Lower is preferred: routing picks the location with the lower priority when distance ties.</summary>
    public const int LowestPriority = 1_000_000;

    private Location() { }

    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public LocationType Type { get; private set; }
    public Address? Address { get; private set; }
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }
    public int Priority { get; private set; }
    /// <summary>An inactive location keeps its data and group memberships but leaves the built-in group <c>all</c>.</summary>
    public bool Active { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Throws <see cref="DomainValidationException"/> naming the request field that breaks a rule.</summary>
    public static Location Create(string code, LocationDetails details, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        Codes.Check(code, "code", errors);
        Check(details, errors);
        errors.ThrowIfAny();

        var location = new Location { Code = code, Version = 1, CreatedAt = now };
        location.Apply(details, now);
        return location;
    }

    /// <summary>A PUT on an existing location: every field is set again, and the version moves on.</summary>
    public void Replace(LocationDetails details, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        Check(details, errors);
        errors.ThrowIfAny();

        Apply(details, now);
        Version++;
    }

    private void Apply(LocationDetails details, DateTimeOffset now)
    {
        Name = details.Name.Trim();
        Type = details.Type;
        Address = details.Address;
        Latitude = details.Latitude;
        Longitude = details.Longitude;
        Priority = details.Priority;
        Active = details.Active;
        UpdatedAt = now;
    }

    private static void Check(LocationDetails details, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (string.IsNullOrWhiteSpace(details.Name)) errors.Add("name", "name is required.");
        else if (details.Name.Trim().Length > MaxNameLength) errors.Add("name", $"name is at most {MaxNameLength} characters.");
        if (!Enum.IsDefined(details.Type)) errors.Add("type", "type is one of warehouse, store, drop_ship, virtual.");

        // A location is on the map or it is not: half a coordinate would put it somewhere on a meridian.
        if (details.Latitude is null != details.Longitude is null)
        {
            var missing = details.Latitude is null ? "latitude" : "longitude";
            errors.Add(missing, "latitude and longitude are given together, or neither is.");
        }
        if (details.Latitude is { } latitude && !(latitude is >= -90 and <= 90)) errors.Add("latitude", "latitude is between -90 and 90.");
        if (details.Longitude is { } longitude && !(longitude is >= -180 and <= 180)) errors.Add("longitude", "longitude is between -180 and 180.");

        if (details.Priority is < 0 or > LowestPriority)
            errors.Add("priority", $"priority is a whole number from 0 (most preferred) to {LowestPriority:N0}.");
    }
}
