using System.Text.Json;
using Waybill.Domain.Common;
using Waybill.Server.Data;

namespace Waybill.Server.Platform.Jobs;

/// <summary>
/// Adds jobs to the caller's unit of work: a job commits with the change that wanted it, or not at all. Once committed
/// through <see cref="RequestCommit"/>, this node's worker is woken at once; other nodes find it by polling.
/// </summary>
public sealed class JobScheduler(WaybillDb db, IIdGenerator ids, IClock clock, CommitNotices notices)
{
    public Job Schedule<TPayload>(string kind, TPayload payload, DateTimeOffset dueAt, string? subject = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var job = new Job
        {
            Id = ids.NewId(),
            Kind = kind,
            Subject = subject,
            Payload = JsonSerializer.Serialize(payload, WaybillJson.Options),
            DueAt = dueAt.ToUniversalTime(),
            Status = JobStatus.Pending,
            CreatedAt = clock.UtcNow,
        };
        db.Jobs.Add(job);
        notices.JobsWritten();
        return job;
    }

    /// <summary>A job due now.</summary>
    public Job ScheduleNow<TPayload>(string kind, TPayload payload, string? subject = null) => Schedule(kind, payload, clock.UtcNow, subject);
}
