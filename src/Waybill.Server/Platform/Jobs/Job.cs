using System.Text.Json;

namespace Waybill.Server.Platform.Jobs;

public enum JobStatus
{
    Pending,
    Running,
    Done,
    Failed,
}

/// <summary>
/// A piece of deferred work: a row with a due time that any node's <see cref="JobWorker"/> may claim
/// (docs/decisions/0010-durable-jobs.md). Written by <see cref="JobScheduler"/>, changed only by the worker.
/// </summary>
public sealed class Job
{
    public string Id { get; set; } = "";
    /// <summary>Which <see cref="IJobHandler"/> runs it.</summary>
    public string Kind { get; set; } = "";
    /// <summary>What the job is about (an order id, …), for finding a subject's jobs; null when about nothing in particular.</summary>
    public string? Subject { get; set; }
    /// <summary>The handler's input, as JSON text.</summary>
    public string Payload { get; set; } = "{}";
    public DateTimeOffset DueAt { get; set; }
    /// <summary>How many times a node has started the job, this run included.</summary>
    public int Attempts { get; set; }
    public JobStatus Status { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public T PayloadAs<T>() =>
        JsonSerializer.Deserialize<T>(Payload, WaybillJson.Options) ?? throw new JsonException($"The payload of job {Id} ({Kind}) is null.");
}
