using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>The order's one transition table (domain.md "Statuses"). Anything not listed is a 409 invalid_transition.</summary>
public static class OrderTransitions
{
    public const string Approve = "approve";
    public const string Hold = "hold";
    public const string ReleaseHold = "release-hold";
    /// <summary>
    /// Routing: approved or backordered orders; also waiting_to_fulfill when a location handed quantity back (rejected or
    /// canceled fulfillment order lines) — the reroute of domain.md flow 3 —, and partially_fulfilled for the same reason
    /// once something shipped. Routing with nothing left to route is refused.
    /// </summary>
    public const string Route = "route";
    /// <summary>A shipment (or a pickup) of allocated quantity.</summary>
    public const string Ship = "ship";
    /// <summary>Fulfilled and paid (or fully refunded): nothing is left to do.</summary>
    public const string Close = "close";

    private static readonly Dictionary<string, OrderStatus[]> AllowedFrom = new(StringComparer.Ordinal)
    {
        [Approve] = [OrderStatus.Created, OrderStatus.OnHold],
        [Hold] = [OrderStatus.Created, OrderStatus.Approved, OrderStatus.Backordered, OrderStatus.WaitingToFulfill],
        [ReleaseHold] = [OrderStatus.OnHold],
        [Route] = [OrderStatus.Approved, OrderStatus.Backordered, OrderStatus.WaitingToFulfill, OrderStatus.PartiallyFulfilled],
        [Ship] = [OrderStatus.WaitingToFulfill, OrderStatus.Backordered, OrderStatus.PartiallyFulfilled],
        [Close] = [OrderStatus.Fulfilled],
    };

    public static bool IsAllowed(string action, OrderStatus from) =>
        AllowedFrom.TryGetValue(action, out var statuses) && statuses.Contains(from);

    public static void EnsureAllowed(string action, OrderStatus from)
    {
        if (!IsAllowed(action, from))
            throw new InvalidTransitionException("order", StatusNames.Of(from), action);
    }
}
