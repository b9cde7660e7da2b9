namespace Waybill.Server.Platform.Jobs;

/// <summary>The <c>Jobs</c> configuration section.</summary>
public sealed class JobOptions
{
    /// <summary>How often a node looks for due jobs when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a claim holds: a job whose node has not finished it by then is claimable again.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>The most jobs one node runs side by side; a slot is filled again as soon as its job ends.</summary>
    public int BatchSize { get; set; } = 16;
    public int MaxAttempts { get; set; } = 10;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Off only in special hosts (e.g. a migrate-only run); a node without a worker still schedules jobs.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Exponential backoff: <c>base · 2^(failures−1)</c>, capped. Shared by jobs and event dispatch.</summary>
public static class Backoff
{
    public static TimeSpan After(int failures, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (failures < 1 || baseDelay <= TimeSpan.Zero) return TimeSpan.Zero;
        // 2^30 · any sane base is past every cap; stopping there keeps the multiplication from overflowing.
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var ticks = baseDelay.Ticks * factor;
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
