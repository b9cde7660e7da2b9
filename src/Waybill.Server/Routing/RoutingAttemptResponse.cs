using Waybill.Domain.Routing;

namespace Waybill.Server.Routing;

/// <summary>A routing attempt as <c>POST /orders/{id}/route</c> and <c>GET /orders/{id}/routing-attempts</c> return it.</summary>
public sealed record RoutingAttemptResponse(
    string Id,
    string OrderId,
    int Number,
    RoutingAttemptStatus Status,
    RoutingOutcome? Outcome,
    string? Explanation,
    IReadOnlyList<AttemptAllocation> Allocations,
    IReadOnlyList<AttemptShortLine> ShortLines,
    IReadOnlyList<AttemptCandidate> Candidates,
    IReadOnlyList<string> FulfillmentOrderIds,
    DateTimeOffset? DueAt,
    DateTimeOffset? NextAttemptDueAt,
    string? Actor,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt)
{
    public static RoutingAttemptResponse From(RoutingAttempt a) => new(
        a.Id, a.OrderId, a.Number, a.Status, a.Outcome, a.Explanation, a.Allocations, a.ShortLines, a.Candidates, a.FulfillmentOrderIds,
        a.DueAt, a.NextAttemptDueAt, a.Actor, a.CreatedAt, a.CompletedAt);
}
