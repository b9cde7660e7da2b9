namespace Waybill.Server.Automation.Flows;

/// <summary>
/// A flow the merchant wrote or switched on or off (the <c>flows</c> table). A shipped default without a row runs as its
/// file says; a row of the same name overrides it. <see cref="Origin"/> <c>default</c>: the row only keeps the
/// merchant's enabled flag for the shipped file (whose text is read from the file, so a new release's file applies).
/// </summary>
public sealed class StoredFlow
{
    public string Name { get; set; } = "";
    /// <summary><c>default</c> or <c>merchant</c>.</summary>
    public string Origin { get; set; } = FlowOrigins.Merchant;
    public string Source { get; set; } = "";
    public string ContentType { get; set; } = "application/yaml";
    public bool Enabled { get; set; }
    public int Priority { get; set; }
    public string Trigger { get; set; } = "";
    /// <summary>Goes up by one on every change (the shipped file counts as version 1); the node caches compare it.</summary>
    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

/// <summary>Every version a flow had (<c>flow_versions</c>): what a run used, and what to go back to.</summary>
public sealed class StoredFlowVersion
{
    public string Name { get; set; } = "";
    public int Version { get; set; }
    public string Origin { get; set; } = FlowOrigins.Merchant;
    public string Source { get; set; } = "";
    public string ContentType { get; set; } = "application/yaml";
    public bool Enabled { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

public static class FlowOrigins
{
    public const string Default = "default";
    public const string Merchant = "merchant";
}

public static class FlowRunStatuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static readonly string[] All = [Pending, Running, Waiting, Completed, Failed];
    public static readonly string[] Unfinished = [Pending, Running, Waiting];
}

/// <summary>
/// One flow run for one event (<c>flow_runs</c>, unique on event id + flow name). It keeps the flow's text as it was
/// when the event came, so a run that resumes after a restart or an edit runs the steps it started with.
/// </summary>
public sealed class FlowRun
{
    public string Id { get; set; } = "";
    public string FlowName { get; set; } = "";
    public int FlowVersion { get; set; }
    public string FlowSource { get; set; } = "";
    public string EventId { get; set; } = "";
    public string EventType { get; set; } = "";
    /// <summary>The event's place in the outbox, and the flow's place among the event's flows: runs of one subject go in this order.</summary>
    public long EventSequence { get; set; }
    public int Position { get; set; }
    /// <summary>The CloudEvent as JSON, as expressions see it.</summary>
    public string Event { get; set; } = "{}";
    public string Subject { get; set; } = "";
    public string? OrderId { get; set; }
    public string Status { get; set; } = FlowRunStatuses.Pending;
    /// <summary>The index of the first step not yet recorded: where the run resumes.</summary>
    public int NextStep { get; set; }
    /// <summary>Goes up with every retry from a process exception; step records carry it.</summary>
    public int Attempt { get; set; }
    public DateTimeOffset? WaitUntil { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Two nodes that both ran a step cannot both record it: the second save finds another version.</summary>
    public int Version { get; set; }
}

/// <summary>A step as it ran (<c>flow_run_steps</c>): its resolved input, output or error, and when.</summary>
public sealed class FlowRunStep
{
    public string Id { get; set; } = "";
    public string RunId { get; set; } = "";
    /// <summary><c>steps</c> or <c>on_error</c>.</summary>
    public string Phase { get; set; } = FlowRunPhases.Steps;
    public int Position { get; set; }
    public int Attempt { get; set; }
    public string? StepId { get; set; }
    public string Action { get; set; } = "";
    /// <summary><c>completed</c>, <c>skipped</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "";
    public string? Input { get; set; }
    public string? Output { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
}

public static class FlowRunPhases
{
    public const string Steps = "steps";
    public const string OnError = "on_error";
}
