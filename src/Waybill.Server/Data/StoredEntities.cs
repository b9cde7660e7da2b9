namespace Waybill.Server.Data;

// Platform rows that are not domain aggregates: the outbox, the audit trail, idempotency records, api keys, counters.

/// <summary>An event written in the same transaction as the change it describes (transactional outbox).</summary>
public sealed class OutboxEvent
{
    /// <summary>Commit-ordered position in the feed (the cursor).</summary>
    public long Sequence { get; set; }
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string Subject { get; set; } = "";
    public DateTimeOffset Time { get; set; }
    public string Data { get; set; } = "";
    /// <summary>PostgreSQL only: the writing transaction, so the feed never passes an event still being committed.</summary>
    public long? TransactionId { get; set; }
}

/// <summary>One change to a resource: who, when, what, why.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string Action { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string? Reason { get; set; }
    public string? Changes { get; set; }
}

/// <summary>The first response to a POST with an Idempotency-Key, replayed for a retry with the same body.</summary>
public sealed class IdempotencyRecord
{
    public string ApiKeyId { get; set; } = "";
    public string Path { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int StatusCode { get; set; }
    public string? Location { get; set; }
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Counter
{
    public string Name { get; set; } = "";
    public long Value { get; set; }
}
