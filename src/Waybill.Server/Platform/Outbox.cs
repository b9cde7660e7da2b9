using System.Text.Json;
using Waybill.Domain.Common;
using Waybill.Server.Data;

namespace Waybill.Server.Platform;

/// <summary>Writes events into the outbox in the caller's unit of work, so they commit with the change or not at all.</summary>
public sealed class EventOutbox(WaybillDb db, IIdGenerator ids, IClock clock, CommitNotices notices)
{
    public void Add<TData>(string type, string subject, TData data)
    {
        notices.EventsWritten();
        db.OutboxEvents.Add(new OutboxEvent
        {
            Id = ids.NewId(),
            Type = type,
            Subject = subject,
            Time = clock.UtcNow,
            Data = JsonSerializer.Serialize(data, WaybillJson.Options),
        });
    }
}

/// <summary>Records who changed what, when and why, in the caller's unit of work.</summary>
public sealed class AuditTrail(WaybillDb db, IClock clock)
{
    public void Record(string entityType, string entityId, string action, string actor, string? fromStatus, string? toStatus, string? reason, object? changes = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            EntityType = entityType,
            EntityId = entityId,
            Action = action,
            Actor = actor,
            At = clock.UtcNow,
            FromStatus = fromStatus,
            ToStatus = toStatus,
            Reason = reason,
            Changes = changes is null ? null : JsonSerializer.Serialize(changes, WaybillJson.Options),
        });
}
