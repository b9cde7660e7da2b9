namespace Waybill.Server.Platform.Dispatch;

/// <summary>
/// Where one <see cref="IEventConsumer"/> has got to in the outbox, and which node dispatches to it now (a lease, so one
/// node at a time). One row per consumer; a consumer's first row starts at 0 — the beginning of the outbox.
/// </summary>
public sealed class EventCursor
{
    public string Consumer { get; set; } = "";
    /// <summary>The sequence of the last event the consumer handled.</summary>
    public long LastSequence { get; set; }
    /// <summary>Its writing transaction's id (PostgreSQL; 0 on SQLite): the feed's order is transaction, then sequence.</summary>
    public long LastTransactionId { get; set; }

    public FeedPosition Position => new(LastTransactionId, LastSequence);
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
}
