using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>The order's one transition table (domain.md "Statuses"). Anything not listed is a 409 invalid_transition.</summary>
public static class OrderTransitions
{
    public const string Approve = "approve";
    public const string Hold = "hold";
    public const string ReleaseHold = "release-hold";

    private static readonly Dictionary<string, OrderStatus[]> AllowedFrom = new(StringComparer.Ordinal)
    {
        [Approve] = [OrderStatus.Created, OrderStatus.OnHold],
        [Hold] = [OrderStatus.Created, OrderStatus.Approved, OrderStatus.Backordered, OrderStatus.WaitingToFulfill],
        [ReleaseHold] = [OrderStatus.OnHold],
    };

    public static bool IsAllowed(string action, OrderStatus from) =>
        AllowedFrom.TryGetValue(action, out var statuses) && statuses.Contains(from);

    public static void EnsureAllowed(string action, OrderStatus from)
    {
        if (!IsAllowed(action, from))
            throw new InvalidTransitionException("order", StatusNames.Of(from), action);
    }
}
