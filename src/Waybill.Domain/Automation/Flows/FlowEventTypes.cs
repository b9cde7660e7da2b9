namespace Waybill.Domain.Automation.Flows;

/// <summary>The event types of api.md ("Automation") a flow can be triggered by, and their families (<c>order.*</c>).</summary>
public static class FlowEventTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "order.created", "order.approved", "order.held", "order.status_changed", "order.routed",
        "order.backordered", "order.changed", "order.closed", "fulfillment_order.created",
        "fulfillment_order.status_changed", "fulfillment_order.lines_rejected", "shipment.created",
        "shipment.tracking_updated", "shipment.delivered", "invoice.created", "invoice.paid", "payment.captured",
        "payment.failed", "payment.refunded", "credit_memo.created", "return_order.created",
        "return_order.received", "inventory.availability_changed", "inventory.low_stock", "reservation.expired",
        "process_exception.created", "process_exception.resolved",
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    /// <summary>The part before the dot: <c>order</c>, <c>fulfillment_order</c>, …</summary>
    public static readonly IReadOnlySet<string> Families =
        All.Select(type => type[..type.IndexOf('.', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);

    public static bool IsKnown(string eventType) => Known.Contains(eventType);

    /// <summary>An event type of api.md, or a family pattern <c>family.*</c> of one.</summary>
    public static bool IsValidTrigger(string trigger) =>
        IsKnown(trigger) || (trigger.EndsWith(".*", StringComparison.Ordinal) && Families.Contains(trigger[..^2]));

    /// <summary>Exact, or <c>family.*</c> for every event of that family. Case-sensitive, as event types are.</summary>
    public static bool TriggerMatches(string trigger, string eventType)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(eventType);
        if (trigger.EndsWith(".*", StringComparison.Ordinal))
        {
            var family = trigger.AsSpan(0, trigger.Length - 1); // keeps the dot: "order."
            return eventType.Length > family.Length && eventType.AsSpan().StartsWith(family, StringComparison.Ordinal);
        }
        return string.Equals(trigger, eventType, StringComparison.Ordinal);
    }
}
