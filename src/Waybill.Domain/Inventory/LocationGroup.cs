using Waybill.Domain.Common;

namespace Waybill.Domain.Inventory;

/// <summary>
/// A named set of locations that sells together — a channel sells from one, and availability and reservations can be
/// asked of one as if it were a single place (OCI's location group). A location may belong to any number of groups.
/// The built-in group <see cref="All"/> is not stored: it is every active location, always.
/// </summary>
public sealed class LocationGroup
{
    /// <summary>The built-in group of every active location: what a channel without a group sells from.</summary>
    public const string All = "all";

    public const int MaxNameLength = 200;

    /// <summary>Enough for a chain's stores; a group is read whole whenever it is used.</summary>
    public const int MaxLocations = 1_000;

    private readonly List<LocationGroupMember> _members = [];

    private LocationGroup() { }

    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public IReadOnlyList<LocationGroupMember> Members => _members;

    /// <summary>The member location codes. Membership is a set, so it reads in code order, not in the order it was sent.</summary>
    public IReadOnlyList<string> Locations => [.. _members.Select(m => m.LocationCode).Order(StringComparer.Ordinal)];

    /// <summary>
    /// <c>all</c> in any spelling is reserved, so no stored group can look like the built-in one; references to the
    /// built-in group name it exactly (<c>all</c>), as codes are case-sensitive.
    /// </summary>
    public static bool IsBuiltIn(string code) => string.Equals(code, All, StringComparison.OrdinalIgnoreCase);

    /// <param name="knownLocations">Which of <paramref name="locations"/> name a location that exists.</param>
    public static LocationGroup Create(string code, string name, IReadOnlyList<string> locations, IReadOnlySet<string> knownLocations, DateTimeOffset now)
    {
        RefuseBuiltIn(code);
        var errors = new FieldErrors();
        Codes.Check(code, "code", errors);
        Check(name, locations, knownLocations, errors);
        errors.ThrowIfAny();

        var group = new LocationGroup { Code = code, Version = 1, CreatedAt = now };
        group.Apply(name, locations, now);
        return group;
    }

    /// <summary>A PUT on an existing group: the name and the whole membership are set again, and the version moves on.</summary>
    public void Replace(string name, IReadOnlyList<string> locations, IReadOnlySet<string> knownLocations, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        Check(name, locations, knownLocations, errors);
        errors.ThrowIfAny();

        Apply(name, locations, now);
        Version++;
    }

    /// <summary>The built-in group is computed from the locations' active flags; writing it would be overwritten by the next change.</summary>
    public static void RefuseBuiltIn(string code)
    {
        if (IsBuiltIn(code))
            throw new DomainException("location_group_built_in",
                $"The location group '{All}' is built in: it always holds every active location and cannot be replaced. " +
                "Activate or deactivate locations to change it, or create a group of your own.");
    }

    private void Apply(string name, IReadOnlyList<string> locations, DateTimeOffset now)
    {
        Name = name.Trim();
        // Members that stay are kept as they are; only those that leave or join change.
        var wanted = locations.ToHashSet(StringComparer.Ordinal);
        _members.RemoveAll(m => !wanted.Contains(m.LocationCode));
        foreach (var code in locations.Where(c => _members.TrueForAll(m => m.LocationCode != c)))
            _members.Add(new LocationGroupMember(Code, code));
        UpdatedAt = now;
    }

    private static void Check(string name, IReadOnlyList<string> locations, IReadOnlySet<string> knownLocations, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(locations);
        ArgumentNullException.ThrowIfNull(knownLocations);
        if (string.IsNullOrWhiteSpace(name)) errors.Add("name", "name is required.");
        else if (name.Trim().Length > MaxNameLength) errors.Add("name", $"name is at most {MaxNameLength} characters.");

        if (locations.Count > MaxLocations)
        {
            errors.Add("locations", $"A location group has at most {MaxLocations:N0} locations.");
            return;
        }
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < locations.Count; i++)
        {
            var code = locations[i];
            var path = $"locations[{i}]";
            if (string.IsNullOrWhiteSpace(code)) errors.Add(path, "A location code is required.");
            else if (firstSeen.TryGetValue(code, out var first)) errors.Add(path, $"'{code}' is listed twice (first as locations[{first}]).");
            else
            {
                firstSeen[code] = i;
                if (!knownLocations.Contains(code)) errors.Add(path, $"There is no location '{code}'.");
            }
        }
    }
}

/// <summary>One location's membership of one group.</summary>
public sealed class LocationGroupMember
{
    private LocationGroupMember() { }

    internal LocationGroupMember(string groupCode, string locationCode)
    {
        GroupCode = groupCode;
        LocationCode = locationCode;
    }

    public string GroupCode { get; private set; } = "";
    public string LocationCode { get; private set; } = "";
}
