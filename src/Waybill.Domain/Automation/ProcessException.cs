using Waybill.Domain.Common;

namespace Waybill.Domain.Automation;

public enum ProcessExceptionStatus
{
    New,
    Triaged,
    Paused,
    Resolved,
    Ignored,
    Voided,
}

public enum ProcessExceptionCategory
{
    OrderApproval,
    Fraud,
    Routing,
    Payment,
    Refund,
    Webhook,
    Flow,
}

public enum ProcessExceptionSeverity
{
    Low,
    Medium,
    High,
}

/// <summary>A note a person (or the flow engine) left on an exception, with the action it came with.</summary>
public sealed record ProcessExceptionNote(DateTimeOffset At, string Author, string Action, string Text);

/// <summary>A change the exception went through since it was loaded: the server writes its history and events.</summary>
public sealed record ProcessExceptionChange(string Action, ProcessExceptionStatus? From, ProcessExceptionStatus To, string? Note);

/// <summary>
/// Something that needs a person (Salesforce Order Management's process exception): a payment that failed, an order
/// that cannot be routed, a fraud hold. Raised <c>new</c>; people triage, pause and close it — resolved (the cause is
/// dealt with), ignored (nothing needs doing) or voided (raised in error). Closed ones stay closed.
/// </summary>
public sealed class ProcessException
{
    public const int MessageMaxLength = 2000;
    public const int NoteMaxLength = 2000;
    public const int LowestPriority = 1000;

    private List<ProcessExceptionNote> _notes = [];
    private readonly List<ProcessExceptionChange> _changes = [];

    private ProcessException() { }

    public string Id { get; private set; } = "";
    public string? OrderId { get; private set; }
    public ProcessExceptionCategory Category { get; private set; }
    public ProcessExceptionSeverity Severity { get; private set; }
    /// <summary>1 is the most urgent; defaults from the severity (high 1, medium 2, low 3).</summary>
    public int Priority { get; private set; }
    public ProcessExceptionStatus Status { get; private set; }
    public string Message { get; private set; } = "";
    /// <summary>
    /// What <c>retry</c> reruns, as the raiser understands it (the flow engine: its run and step); null when there is
    /// nothing to rerun.
    /// </summary>
    public string? RetryReference { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    public IReadOnlyList<ProcessExceptionNote> Notes => _notes;
    public IReadOnlyList<ProcessExceptionChange> Changes => _changes;

    /// <summary>Not resolved, ignored or voided: it still needs someone (the order's active count).</summary>
    public bool IsOpen => ProcessExceptionTransitions.IsOpen(Status);

    public static int DefaultPriority(ProcessExceptionSeverity severity) => severity switch
    {
        ProcessExceptionSeverity.High => 1,
        ProcessExceptionSeverity.Medium => 2,
        _ => 3,
    };

    /// <summary>
    /// A new exception. Throws <see cref="DomainValidationException"/> naming <c>message</c>, <c>priority</c> or
    /// <c>note</c> when one is out of shape.
    /// </summary>
    public static ProcessException Raise(
        string id, string? orderId, ProcessExceptionCategory category, ProcessExceptionSeverity severity, int? priority,
        string message, string? retryReference, string? note, string author, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(message)) errors.Add("message", "message is required: say what needs attention.");
        else if (message.Length > MessageMaxLength) errors.Add("message", $"message is at most {MessageMaxLength} characters.");
        if (priority is < 1 or > LowestPriority) errors.Add("priority", $"priority is between 1 (most urgent) and {LowestPriority}.");
        CheckNote(note, errors);
        errors.ThrowIfAny();

        var exception = new ProcessException
        {
            Id = id,
            OrderId = orderId,
            Category = category,
            Severity = severity,
            Priority = priority ?? DefaultPriority(severity),
            Status = ProcessExceptionStatus.New,
            Message = message.Trim(),
            RetryReference = retryReference,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        exception.AddNote(ProcessExceptionTransitions.Raise, note, author, now);
        exception._changes.Add(new ProcessExceptionChange(ProcessExceptionTransitions.Raise, null, ProcessExceptionStatus.New, note));
        return exception;
    }

    public void Triage(string? note, string author, DateTimeOffset now) => Act(ProcessExceptionTransitions.Triage, note, author, now);
    public void Pause(string? note, string author, DateTimeOffset now) => Act(ProcessExceptionTransitions.Pause, note, author, now);
    public void Resolve(string? note, string author, DateTimeOffset now) => Act(ProcessExceptionTransitions.Resolve, note, author, now);
    public void Ignore(string? note, string author, DateTimeOffset now) => Act(ProcessExceptionTransitions.Ignore, note, author, now);
    public void Void(string? note, string author, DateTimeOffset now) => Act(ProcessExceptionTransitions.Void, note, author, now);

    /// <summary>There is a failed step to rerun (the raiser said which); without one, <c>retry</c> has nothing to do.</summary>
    public bool HasStepToRetry => RetryReference is not null;

    /// <summary>Checks a retry may start from this status (409 invalid_transition when closed).</summary>
    public void EnsureRetryAllowed() => ProcessExceptionTransitions.EnsureAllowed(ProcessExceptionTransitions.Retry, Status);

    /// <summary>A rerun happened: it resolves the exception when it succeeded, and is noted either way.</summary>
    public void RecordRetry(bool succeeded, string outcome, string author, DateTimeOffset now)
    {
        EnsureRetryAllowed();
        if (!HasStepToRetry) throw new InvalidOperationException($"Process exception {Id} has no step to retry.");
        if (succeeded)
        {
            Act(ProcessExceptionTransitions.Resolve, outcome, author, now);
            return;
        }
        AddNote(ProcessExceptionTransitions.Retry, outcome, author, now);
        Touch(now);
        _changes.Add(new ProcessExceptionChange(ProcessExceptionTransitions.Retry, Status, Status, outcome));
    }

    public void ClearChanges() => _changes.Clear();

    private void Act(string action, string? note, string author, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        CheckNote(note, errors);
        errors.ThrowIfAny();
        var from = Status;
        Status = ProcessExceptionTransitions.Target(action, from);
        if (!IsOpen) ClosedAt = now;
        AddNote(action, note, author, now);
        Touch(now);
        _changes.Add(new ProcessExceptionChange(action, from, Status, note));
    }

    private void AddNote(string action, string? note, string author, DateTimeOffset now)
    {
        if (!string.IsNullOrWhiteSpace(note)) _notes.Add(new ProcessExceptionNote(now, author, action, note.Trim()));
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    private static void CheckNote(string? note, FieldErrors errors)
    {
        if (note is not null && note.Length > NoteMaxLength) errors.Add("note", $"note is at most {NoteMaxLength} characters.");
    }
}

/// <summary>
/// The process exception's one transition table (docs/decisions/0012-process-exceptions.md). Anything not listed is a
/// 409 <c>invalid_transition</c>; the closed statuses (resolved, ignored, voided) allow nothing.
/// </summary>
public static class ProcessExceptionTransitions
{
    public const string Raise = "raise";
    public const string Triage = "triage";
    public const string Pause = "pause";
    public const string Resolve = "resolve";
    public const string Ignore = "ignore";
    public const string Void = "void";
    public const string Retry = "retry";

    private static readonly ProcessExceptionStatus[] Open = [ProcessExceptionStatus.New, ProcessExceptionStatus.Triaged, ProcessExceptionStatus.Paused];

    /// <summary>Action → (the statuses it is allowed from, the status it leads to). Retry keeps the status.</summary>
    private static readonly Dictionary<string, (ProcessExceptionStatus[] From, ProcessExceptionStatus? To)> Table = new(StringComparer.Ordinal)
    {
        [Triage] = ([ProcessExceptionStatus.New, ProcessExceptionStatus.Paused], ProcessExceptionStatus.Triaged),
        [Pause] = ([ProcessExceptionStatus.New, ProcessExceptionStatus.Triaged], ProcessExceptionStatus.Paused),
        [Resolve] = (Open, ProcessExceptionStatus.Resolved),
        [Ignore] = (Open, ProcessExceptionStatus.Ignored),
        [Void] = (Open, ProcessExceptionStatus.Voided),
        [Retry] = (Open, null),
    };

    public static IReadOnlyCollection<string> Actions => Table.Keys;

    public static bool IsOpen(ProcessExceptionStatus status) => Open.Contains(status);

    public static bool IsAllowed(string action, ProcessExceptionStatus from) =>
        Table.TryGetValue(action, out var row) && row.From.Contains(from);

    public static void EnsureAllowed(string action, ProcessExceptionStatus from)
    {
        if (!IsAllowed(action, from))
            throw new InvalidTransitionException("process exception", StatusNames.Of(from), action);
    }

    /// <summary>Where <paramref name="action"/> leads from <paramref name="from"/>; throws when the table does not allow it.</summary>
    public static ProcessExceptionStatus Target(string action, ProcessExceptionStatus from)
    {
        EnsureAllowed(action, from);
        return Table[action].To ?? from;
    }
}
