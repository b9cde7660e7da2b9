namespace Waybill.Server.Platform;

/// <summary>
/// A cheap in-process "there may be new work" signal: background loops wait on it (or their poll interval, whichever
/// comes first), and a local commit that wrote events or jobs raises it, so work written on this node starts at once.
/// Other nodes still find the work by polling.
/// </summary>
public sealed class WorkSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>
    /// What to await for the next raise. Take it <em>before</em> looking for work, so a raise that comes while looking is
    /// not lost.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Raise() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Waits for <paramref name="raised"/> (from <see cref="Next"/>) or <paramref name="poll"/>, whichever is first.</summary>
    public static async Task WaitAsync(Task raised, TimeSpan poll, CancellationToken cancellationToken)
    {
        try
        {
            await raised.WaitAsync(poll, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The poll interval passed: look again for work other nodes wrote.
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The node's signals: one for new outbox events, one for new jobs.</summary>
public sealed class WorkSignals
{
    public WorkSignal Events { get; } = new();
    public WorkSignal Jobs { get; } = new();
}

/// <summary>
/// What a unit of work wrote that background loops care about, raised only once it has committed (a loop woken before the
/// commit would find nothing and go back to sleep for a whole poll interval).
/// </summary>
public sealed class CommitNotices(WorkSignals signals)
{
    private bool _events;
    private bool _jobs;

    public void EventsWritten() => _events = true;
    public void JobsWritten() => _jobs = true;

    /// <summary>Called after the commit: wakes the loops for what was written, then forgets it.</summary>
    public void Committed()
    {
        if (_events) signals.Events.Raise();
        if (_jobs) signals.Jobs.Raise();
        _events = _jobs = false;
    }

    /// <summary>Called after a rollback: nothing was written.</summary>
    public void RolledBack() => _events = _jobs = false;
}

/// <summary>This node's name in leases: configurable (<c>Node:Name</c>), unique per process by default.</summary>
public sealed class NodeIdentity(IConfiguration configuration)
{
    public string Name { get; } = configuration["Node:Name"] is { Length: > 0 } name
        ? name
        : $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
