namespace Waybill.Bench.Capture;

/// <summary>The <c>capture</c> command's options, parsed and validated by Program.cs.</summary>
public sealed record CaptureOptions(
    string Database,
    int Clients,
    int DurationSeconds,
    int WarmupSeconds,
    int Runs,
    string? ServerDll,
    string? ResultsPath,
    CaptureTarget Target,
    int Seed,
    bool Flows = false)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public bool RunsWaybill => Target is CaptureTarget.Both or CaptureTarget.Waybill;

    /// <summary>The raw-SQL baseline exists for PostgreSQL only.</summary>
    public bool RunsRaw => (Target is CaptureTarget.Both or CaptureTarget.Raw) && Database == Postgres;
}

/// <summary>What to measure: both sides (the default), or one of them, e.g. while the server is not ready.</summary>
public enum CaptureTarget
{
    Both,
    Waybill,
    Raw,
}
