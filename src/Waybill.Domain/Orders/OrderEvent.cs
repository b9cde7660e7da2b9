namespace Waybill.Domain.Orders;

/// <summary>
/// Something that happened to an order, raised by the aggregate and written to the outbox in the same
/// transaction. <see cref="Action"/> and the statuses feed the order's history.
/// </summary>
public sealed record OrderEvent(string Type, string Action, OrderStatus? PreviousStatus, OrderStatus Status, string? Reason);

public static class OrderEventTypes
{
    public const string Created = "order.created";
    public const string Approved = "order.approved";
    public const string Held = "order.held";
    public const string StatusChanged = "order.status_changed";
    public const string Routed = "order.routed";
    public const string Backordered = "order.backordered";
    public const string Closed = "order.closed";
    public const string Changed = "order.changed";
    public const string Canceled = "order.canceled";
}
