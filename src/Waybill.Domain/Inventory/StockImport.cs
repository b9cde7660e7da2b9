using Waybill.Domain.Common;

namespace Waybill.Domain.Inventory;

public enum ImportMode
{
    /// <summary>The file is the truth for the locations it lists: their SKUs it does not mention go to zero.</summary>
    Full,
    /// <summary>Only the listed records change.</summary>
    Delta,
}

public enum ImportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// A stock import run as a job: queued when the file is received, running while its records are applied (the counts
/// move as it goes), completed — bad lines reported, good lines applied — or failed when the file as a whole cannot be read.
/// </summary>
public sealed class StockImport
{
    /// <summary>How many bad lines are kept to show; the count goes on.</summary>
    public const int MaxReportedErrors = 1000;

    private List<ImportError> _errors = [];

    private StockImport() { }

    public string Id { get; private set; } = "";
    public ImportMode Mode { get; private set; }
    public ImportStatus Status { get; private set; }
    public long RecordsTotal { get; private set; }
    public long RecordsApplied { get; private set; }
    /// <summary>Records whose recordId was applied before (a file sent again): they change nothing.</summary>
    public long RecordsAlreadyApplied { get; private set; }
    public long ErrorCount { get; private set; }
    public IReadOnlyList<ImportError> Errors => _errors;
    /// <summary>Why the import failed as a whole.</summary>
    public string? FailureReason { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public int Version { get; private set; }
    /// <summary>
    /// The Waybill process that holds the file and runs the import, and when it last said it was alive: another node may
    /// fail the import as interrupted only once that is stale (several nodes share one database).
    /// </summary>
    public string Node { get; private set; } = "";
    public DateTimeOffset HeartbeatAt { get; private set; }

    /// <summary>A <c>full</c> import is the truth for the locations it lists: their SKUs it does not mention go to zero at the end.</summary>
    public bool ZeroesUnmentionedStock => Mode == ImportMode.Full;

    public static StockImport Queue(string id, ImportMode mode, string createdBy, string node, DateTimeOffset now) => new()
    {
        Id = id, Mode = mode, Status = ImportStatus.Queued, CreatedBy = createdBy, CreatedAt = now, Version = 1, Node = node, HeartbeatAt = now,
    };

    /// <summary>Unfinished, and its node has not been heard of since <paramref name="cutoff"/>: the node is gone, and the import with it.</summary>
    public bool IsAbandoned(DateTimeOffset cutoff) => Status is ImportStatus.Queued or ImportStatus.Running && HeartbeatAt < cutoff;

    public void Start(DateTimeOffset now)
    {
        if (Status != ImportStatus.Queued) throw new InvalidTransitionException("import", StatusNames.Of(Status), "start");
        Status = ImportStatus.Running;
        StartedAt = now;
        Version++;
    }

    /// <summary>A batch was applied: <paramref name="applied"/> records changed stock, <paramref name="repeated"/> had been applied before.</summary>
    public void Applied(long read, long applied, long repeated, IEnumerable<ImportError> errors)
    {
        EnsureRunning("apply");
        RecordsTotal += read;
        RecordsApplied += applied;
        RecordsAlreadyApplied += repeated;
        foreach (var error in errors)
        {
            ErrorCount++;
            if (_errors.Count < MaxReportedErrors) _errors.Add(error);
        }
        Version++;
    }

    public void Complete(DateTimeOffset now)
    {
        EnsureRunning("complete");
        Status = ImportStatus.Completed;
        FinishedAt = now;
        Version++;
    }

    public void Fail(string reason, DateTimeOffset now)
    {
        if (Status is ImportStatus.Completed or ImportStatus.Failed) throw new InvalidTransitionException("import", StatusNames.Of(Status), "fail");
        Status = ImportStatus.Failed;
        FailureReason = reason;
        FinishedAt = now;
        Version++;
    }

    private void EnsureRunning(string action)
    {
        if (Status != ImportStatus.Running) throw new InvalidTransitionException("import", StatusNames.Of(Status), action);
    }
}

/// <summary>A bad line of an import file: <c>{ line, recordId?, message }</c>.</summary>
public sealed record ImportError(int Line, string? RecordId, string Message);
