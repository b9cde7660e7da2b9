namespace Waybill.Domain.Routing;

/// <summary>Quantity of one line shipped from one location.</summary>
public sealed record RouteAllocation(string LineKey, string Sku, string Location, int Quantity);

/// <summary>What happened to a candidate location, and why.</summary>
public enum CandidateOutcome
{
    /// <summary>In the route.</summary>
    Chosen,
    /// <summary>Searched, but not in the best route.</summary>
    NotChosen,
    /// <summary>Set aside before the search: it cannot ship anything of these lines.</summary>
    Dropped,
}

public sealed record CandidateVerdict(string Location, CandidateOutcome Outcome, string Reason, double DistanceKm);

/// <summary>A line that no route can ship: what it needs and what the allowed locations have together.</summary>
public sealed record LineShortage(string LineKey, string Sku, int Quantity, long Available);

/// <summary>
/// Why the plan is what it is: every candidate with its verdict, how much searching it took, and whether the answer
/// is proven optimal (false only when the node limit stopped the search).
/// </summary>
public sealed record RouteExplanation(
    string Summary,
    IReadOnlyList<CandidateVerdict> Candidates,
    long NodesExplored,
    bool ProvenOptimal,
    IReadOnlyList<LineShortage> ShortLines);

/// <summary>
/// The answer: the chosen locations in ranking order (nearest or cheapest first) and what each ships, or not feasible.
/// </summary>
public sealed record RoutePlan(
    bool Feasible,
    IReadOnlyList<string> Locations,
    IReadOnlyList<RouteAllocation> Allocations,
    double? AverageDistanceKm,
    decimal? TotalShipmentCost,
    RouteExplanation Explanation)
{
    public int LocationCount => Locations.Count;
    /// <summary>Extra shipments, as Salesforce counts them: <c>LocationCount − 1</c>, and 0 when nothing is routed.</summary>
    public int Splits => Math.Max(0, Locations.Count - 1);
}
