namespace Waybill.Domain.Automation.Flows;

/// <summary>
/// What one expression may use. A flow runs on the event dispatcher's path, so a runaway expression must fail fast
/// with a clear error rather than hold the dispatcher.
/// </summary>
public sealed record FlowExpressionLimits
{
    public static readonly FlowExpressionLimits Default = new();

    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Bytes the expression may allocate (Jint counts the evaluating thread's allocations).</summary>
    public long MemoryLimitBytes { get; init; } = 4 * 1024 * 1024;

    public int MaxStatements { get; init; } = 50_000;

    public int MaxCallDepth { get; init; } = 64;
}
