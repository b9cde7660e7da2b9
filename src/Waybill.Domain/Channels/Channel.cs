using Waybill.Domain.Common;
using Waybill.Domain.Inventory;

namespace Waybill.Domain.Channels;

/// <summary>
/// A sales channel — a web store, a marketplace, a call center. Its code is the <c>channel</c> an order carries
/// (<c>web</c>); its location group is the stock it sells from. Channels need not be registered: an order from an
/// unknown channel, or from one without a group, sells from the built-in group <see cref="LocationGroup.All"/>.
/// </summary>
public sealed class Channel
{
    public const int MaxNameLength = 200;

    private Channel() { }

    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>The group as configured; null when none was (the channel then sells from <c>all</c>).</summary>
    public string? LocationGroup { get; private set; }
    /// <summary>Extra shipments routing may make for one of its orders (0–20); null for the default of 3.</summary>
    public int? MaxSplits { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The location group the channel's orders reserve and route from.</summary>
    public string SellsFrom => LocationGroup ?? Inventory.LocationGroup.All;

    /// <summary>domain.md: maxSplits defaults to 3, set per channel.</summary>
    public const int DefaultMaxSplits = 3;
    public const int MaxMaxSplits = 20;

    /// <summary>The maxSplits routing uses for an order of a channel, registered or not.</summary>
    public static int MaxSplitsFor(Channel? channel) => channel?.MaxSplits ?? DefaultMaxSplits;

    /// <summary>Where an order of a channel sells from, the channel being registered or not.</summary>
    public static string LocationGroupFor(Channel? channel) => channel?.SellsFrom ?? Inventory.LocationGroup.All;

    /// <param name="locationGroupIsStored">Whether a stored location group has the code <paramref name="locationGroup"/>; the built-in one always exists.</param>
    public static Channel Create(string code, string name, string? locationGroup, bool locationGroupIsStored, DateTimeOffset now, int? maxSplits = null)
    {
        var errors = new FieldErrors();
        Codes.Check(code, "code", errors);
        Check(name, locationGroup, locationGroupIsStored, maxSplits, errors);
        errors.ThrowIfAny();

        var channel = new Channel { Code = code, Version = 1, CreatedAt = now };
        channel.Apply(name, locationGroup, maxSplits, now);
        return channel;
    }

    /// <summary>A PUT on an existing channel: name and group are set again, and the version moves on.</summary>
    public void Replace(string name, string? locationGroup, bool locationGroupIsStored, DateTimeOffset now, int? maxSplits = null)
    {
        var errors = new FieldErrors();
        Check(name, locationGroup, locationGroupIsStored, maxSplits, errors);
        errors.ThrowIfAny();

        Apply(name, locationGroup, maxSplits, now);
        Version++;
    }

    private void Apply(string name, string? locationGroup, int? maxSplits, DateTimeOffset now)
    {
        Name = name.Trim();
        LocationGroup = locationGroup;
        MaxSplits = maxSplits;
        UpdatedAt = now;
    }

    private static void Check(string name, string? locationGroup, bool locationGroupIsStored, int? maxSplits, FieldErrors errors)
    {
        if (maxSplits is < 0 or > MaxMaxSplits) errors.Add("maxSplits", $"maxSplits is from 0 (one location only) to {MaxMaxSplits}.");
        if (string.IsNullOrWhiteSpace(name)) errors.Add("name", "name is required.");
        else if (name.Trim().Length > MaxNameLength) errors.Add("name", $"name is at most {MaxNameLength} characters.");

        // The built-in group is named exactly: "ALL" is not it, and no stored group can be called that either.
        if (locationGroup is not null && locationGroup != Inventory.LocationGroup.All && !locationGroupIsStored)
            errors.Add("locationGroup", $"There is no location group '{locationGroup}'. Name one that exists, or '{Inventory.LocationGroup.All}' (every active location).");
    }
}
