using Waybill.Domain.Common;

namespace Waybill.Domain.Routing;

public enum RoutingAttemptStatus
{
    /// <summary>Due later: the order is backordered and will be routed again at <see cref="RoutingAttempt.DueAt"/>.</summary>
    Scheduled,
    Completed,
    /// <summary>Given up: the last allowed attempt left the order short (a process exception asks a person), or the order moved on.</summary>
    Abandoned,
}

public enum RoutingOutcome
{
    /// <summary>Everything that was left to route went to fulfillment orders.</summary>
    Routed,
    /// <summary>Some went to fulfillment orders; the rest is backordered.</summary>
    PartiallyRouted,
    /// <summary>Nothing could be routed now.</summary>
    Backordered,
}

/// <summary>Quantity of an order line sent to a location by an attempt.</summary>
public sealed record AttemptAllocation(string OrderLineId, string Sku, string Location, int Quantity);

/// <summary>Quantity of an order line an attempt could not route.</summary>
public sealed record AttemptShortLine(string OrderLineId, string Sku, int Quantity);

/// <summary>A candidate location's verdict in one delivery group's plan.</summary>
public sealed record AttemptCandidate(string DeliveryGroupId, string Location, CandidateOutcome Outcome, string Reason, double? DistanceKm);

/// <summary>
/// One try to route an order (domain.md "Routing"): numbered per order, with its outcome and why — every candidate's
/// verdict — so a person can see what routing saw. A backordered order gets its next attempt <c>scheduled</c>.
/// </summary>
public sealed class RoutingAttempt
{
    private RoutingAttempt() { }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public int Number { get; private set; }
    public RoutingAttemptStatus Status { get; private set; }
    public RoutingOutcome? Outcome { get; private set; }
    public string? Explanation { get; private set; }
    public List<AttemptAllocation> Allocations { get; private set; } = [];
    public List<AttemptShortLine> ShortLines { get; private set; } = [];
    public List<AttemptCandidate> Candidates { get; private set; } = [];
    public List<string> FulfillmentOrderIds { get; private set; } = [];
    /// <summary>When a scheduled attempt is due.</summary>
    public DateTimeOffset? DueAt { get; private set; }
    /// <summary>Set on a backordered attempt: when the next one is due (null when none will be).</summary>
    public DateTimeOffset? NextAttemptDueAt { get; private set; }
    public string? Actor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public int Version { get; private set; }
    /// <summary>What the attempt routed against (null before it completed, and for attempts recorded before it was kept).</summary>
    public RoutingSnapshot? Snapshot { get; private set; }

    /// <summary>An attempt made now (by hand, by a flow, or because stock arrived).</summary>
    public static RoutingAttempt Start(string id, string orderId, int number, DateTimeOffset now) =>
        new() { Id = id, OrderId = orderId, Number = number, Status = RoutingAttemptStatus.Scheduled, DueAt = now, CreatedAt = now, Version = 1 };

    /// <summary>The next try of a backordered order, due at <paramref name="dueAt"/>.</summary>
    public static RoutingAttempt Schedule(string id, string orderId, int number, DateTimeOffset dueAt, DateTimeOffset now) =>
        new() { Id = id, OrderId = orderId, Number = number, Status = RoutingAttemptStatus.Scheduled, DueAt = dueAt, CreatedAt = now, Version = 1 };

    public void Complete(RoutingOutcome outcome, string explanation, IEnumerable<AttemptAllocation> allocations, IEnumerable<AttemptShortLine> shortLines,
        IEnumerable<AttemptCandidate> candidates, IEnumerable<string> fulfillmentOrderIds, string actor, DateTimeOffset now,
        RoutingSnapshot? snapshot = null)
    {
        EnsureScheduled("complete");
        Status = RoutingAttemptStatus.Completed;
        Outcome = outcome;
        Explanation = explanation;
        Allocations = [.. allocations];
        ShortLines = [.. shortLines];
        Candidates = [.. candidates];
        FulfillmentOrderIds = [.. fulfillmentOrderIds];
        Actor = actor;
        CompletedAt = now;
        Snapshot = snapshot;
        Version++;
    }

    /// <summary>A backordered attempt says when the next one is due.</summary>
    public void ExpectNext(DateTimeOffset dueAt)
    {
        NextAttemptDueAt = dueAt;
        Version++;
    }

    /// <summary>
    /// Not now: the order is on hold. The attempt stays scheduled and comes due again at <paramref name="dueAt"/>, so the
    /// backorder is still tried after the hold is released (a held order is not routed, and holding it is not giving up).
    /// </summary>
    public void Postpone(DateTimeOffset dueAt)
    {
        EnsureScheduled("postpone");
        DueAt = dueAt;
        Version++;
    }

    /// <summary>No further try: the last allowed attempt was short (its result is kept), or a scheduled one is no longer needed.</summary>
    public void Abandon(string reason, DateTimeOffset now)
    {
        if (Status == RoutingAttemptStatus.Abandoned) throw new InvalidTransitionException("routing attempt", StatusNames.Of(Status), "abandon");
        Status = RoutingAttemptStatus.Abandoned;
        Explanation = Explanation is null ? reason : Explanation + " " + reason;
        NextAttemptDueAt = null;
        CompletedAt ??= now;
        Version++;
    }

    private void EnsureScheduled(string action)
    {
        if (Status != RoutingAttemptStatus.Scheduled) throw new InvalidTransitionException("routing attempt", StatusNames.Of(Status), action);
    }
}
