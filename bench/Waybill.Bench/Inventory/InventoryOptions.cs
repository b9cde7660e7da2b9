using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>The options of <c>reserve-hot</c>, <c>reserve-spread</c> and <c>availability</c>, parsed by <see cref="InventoryCommands"/>.</summary>
public sealed record InventoryOptions(
    string Command,
    string Database,
    int Clients,
    int DurationSeconds,
    int WarmupSeconds,
    int Runs,
    string? ServerDll,
    string? ResultsPath,
    CaptureTarget Target,
    int Seed,
    int Skus,
    int Locations)
{
    public const string ReserveHot = "reserve-hot";
    public const string ReserveSpread = "reserve-spread";
    public const string Availability = "availability";

    public bool RunsWaybill => Target is CaptureTarget.Both or CaptureTarget.Waybill;

    /// <summary>Only <c>reserve-hot</c> has a raw-SQL baseline, and only on PostgreSQL.</summary>
    public bool RunsRaw => Command == ReserveHot && (Target is CaptureTarget.Both or CaptureTarget.Raw) && Database == CaptureOptions.Postgres;

    public InventoryScenario CreateScenario() => Command switch
    {
        ReserveHot => new HotSkuScenario(),
        ReserveSpread => new SpreadScenario(Skus, Locations, Seed),
        Availability => new AvailabilityScenario(Skus, Locations),
        _ => throw new ArgumentOutOfRangeException(nameof(Command), Command, "Not an inventory benchmark."),
    };
}
