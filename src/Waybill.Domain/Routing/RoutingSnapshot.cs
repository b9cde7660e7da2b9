using System.Globalization;

namespace Waybill.Domain.Routing;

/// <summary>
/// Everything one routing attempt decided on, as it saw it: the candidate locations with their stock (available to
/// fulfill per SKU of the order, clamped at 0; a pickup location includes what the order held there), what the channel's
/// group still let the order take per SKU, the delivery groups in routing order with their destination, candidates and
/// lines, the exclusions, <c>maxSplits</c> and whether partial routing was asked. Stored with the attempt so that
/// <see cref="Route"/> can replay it under another <see cref="RoutingStrategy"/>; the live attempt is routed by the same
/// method, so replaying with the recorded strategy gives the recorded allocations.
/// </summary>
public sealed record RoutingSnapshot(
    int MaxSplits,
    bool Partial,
    IReadOnlyList<SnapshotLocation> Locations,
    IReadOnlyDictionary<string, long> GroupPool,
    IReadOnlyList<SnapshotGroup> Groups,
    IReadOnlyList<LineExclusion> Exclusions)
{
    /// <summary>Plans the delivery groups in order, each on the stock the ones before it left.</summary>
    public SnapshotRoute Route(RoutingStrategy? strategy = null)
    {
        strategy ??= RoutingStrategy.AsRecorded;
        var maxSplits = strategy.MaxSplits ?? MaxSplits;
        var stock = Locations.ToDictionary(l => l.Code, l => new Dictionary<string, long>(l.Stock, StringComparer.Ordinal), StringComparer.Ordinal);
        var pool = new Dictionary<string, long>(GroupPool, StringComparer.Ordinal);
        var byCode = Locations.ToDictionary(l => l.Code, StringComparer.Ordinal);
        var results = new List<SnapshotGroupRoute>();
        foreach (var group in Groups)
        {
            var result = PlanGroup(group, byCode, stock, pool, maxSplits, strategy);
            results.Add(result);
            foreach (var a in result.Allocations)
            {
                stock[a.Location][a.Sku] = stock[a.Location].GetValueOrDefault(a.Sku) - a.Quantity;
                if (group.PickupLocation is null) pool[a.Sku] = pool.GetValueOrDefault(a.Sku) - a.Quantity;
            }
        }
        var wanted = Groups.Sum(g => g.Lines.Sum(l => (long)l.Quantity));
        var allOrNothing = !Partial && results.Sum(r => r.Allocations.Sum(a => (long)a.Quantity)) < wanted;
        return new SnapshotRoute(results, allOrNothing);
    }

    /// <summary>One delivery group: everything when it can; otherwise (partial) what the stock allows, the rest short.</summary>
    private SnapshotGroupRoute PlanGroup(SnapshotGroup group, Dictionary<string, SnapshotLocation> byCode, Dictionary<string, Dictionary<string, long>> stock,
        Dictionary<string, long> pool, int maxSplits, RoutingStrategy strategy)
    {
        var codes = group.Candidates.Where(c => byCode.ContainsKey(c) && !strategy.ExcludedLocations.Contains(c)).ToList();
        if (codes.Count == 0)
            return new SnapshotGroupRoute(group.Id, [], [], "no active location to ship from" + (group.PickupLocation is { } pickup ? $" (pickup location {pickup})" : "") + ".", null, null);
        var destination = group.Destination();
        var located = codes.Select(code => Locate(byCode[code], stock[code], destination, strategy)).ToList();
        var target = destination ?? new GeoPoint(0, 0);
        var keys = group.Lines.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        var excluded = Exclusions.Where(e => keys.Contains(e.LineKey)).ToList();
        var ranking = strategy.Ranking;

        var full = group.Lines.ToList();
        var capped = Cap(group, located, excluded, pool);
        var fullPlan = Router.Plan(RoutingProblem.Create(full, located, target, maxSplits, ranking, excluded));
        var plan = fullPlan;
        if (capped.Sum(l => l.Quantity) < full.Sum(l => l.Quantity))
        {
            // The shelves may hold it, but the channel's group has promised some of it to other orders.
            plan = fullPlan.Feasible ? fullPlan with { Feasible = false, Locations = [], Allocations = [] } : fullPlan;
            if (Partial && capped.Count > 0)
            {
                // Route what there is: each line capped at what can ship now, earlier lines first.
                // Only the exclusions of lines still in it: a problem refuses an exclusion naming a line it does not have.
                var cappedKeys = capped.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
                var partialPlan = Router.Plan(RoutingProblem.Create(capped, located, target, maxSplits, ranking,
                    [.. excluded.Where(e => cappedKeys.Contains(e.LineKey))]));
                if (partialPlan.Feasible)
                    plan = partialPlan with { Explanation = partialPlan.Explanation with { Summary = "Partly routed (the rest is short): " + partialPlan.Explanation.Summary } };
            }
        }
        var summary = plan.Explanation.Summary + (destination is null ? " The delivery address has no coordinates: locations ranked by priority." : "");
        return new SnapshotGroupRoute(group.Id, plan.Feasible ? plan.Allocations : [], plan.Explanation.Candidates, summary,
            plan.Feasible ? plan.AverageDistanceKm : null, plan.Feasible ? plan.TotalShipmentCost : null);
    }

    /// <summary>
    /// As the solver wants it. Without a destination every place is at (0, 0), so priority decides; a location without
    /// coordinates is put at the destination's antipode — the farthest a place can be — so it ranks last.
    /// </summary>
    private static CandidateLocation Locate(SnapshotLocation location, Dictionary<string, long> stock, GeoPoint? destination, RoutingStrategy strategy)
    {
        var (lat, lon) = destination is not { } d ? (0d, 0d)
            : location.Latitude is { } la && location.Longitude is { } lo ? (la, lo)
            : (-d.Latitude, d.Longitude > 0 ? d.Longitude - 180 : d.Longitude + 180);
        var cost = strategy.Ranking == RouteRanking.ShipmentCost ? strategy.CostOf(location.Code) : (decimal?)null;
        return new CandidateLocation(location.Code, lat, lon, location.Priority, stock, cost);
    }

    /// <summary>
    /// The lines capped at what can ship now: a line gets at most what its SKU has at the places it may go (after the lines
    /// before it) and, for a shipped group, what the channel's group still lets the order take. Lines left with nothing are dropped.
    /// </summary>
    private static List<RoutingLine> Cap(SnapshotGroup group, IReadOnlyList<CandidateLocation> candidates, IReadOnlyList<LineExclusion> excluded,
        Dictionary<string, long> pool)
    {
        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        var result = new List<RoutingLine>();
        foreach (var line in group.Lines)
        {
            var sku = line.Sku;
            var allowed = candidates.Where(c => !excluded.Any(e => e.LineKey == line.Key && e.Location == c.Code)).Sum(c => Math.Max(0, c.StockOf(sku)));
            var everywhere = candidates.Sum(c => Math.Max(0, c.StockOf(sku)));
            var left = Math.Min(allowed, everywhere - used.GetValueOrDefault(sku));
            if (group.PickupLocation is null) left = Math.Min(left, pool.GetValueOrDefault(sku) - used.GetValueOrDefault(sku));
            var quantity = (int)Math.Clamp(left, 0, line.Quantity);
            used[sku] = used.GetValueOrDefault(sku) + quantity;
            if (quantity > 0) result.Add(new RoutingLine(line.Key, sku, quantity));
        }
        return result;
    }

    /// <summary>
    /// What a set of allocations (recorded or replayed) amounts to: shipments (one per delivery group and location), splits
    /// (shipments beyond the first, per delivery group), the average distance of the shipments whose group has a destination,
    /// and what was left short.
    /// </summary>
    public RouteMeasure Measure(IEnumerable<(string LineKey, string Location, int Quantity)> allocations)
    {
        var groupOfLine = Groups.SelectMany(g => g.Lines.Select(l => (l.Key, Group: g))).ToDictionary(x => x.Key, x => x.Group, StringComparer.Ordinal);
        var byCode = Locations.ToDictionary(l => l.Code, StringComparer.Ordinal);
        var list = allocations.Where(a => groupOfLine.ContainsKey(a.LineKey)).ToList();
        var shipments = list.Select(a => (Group: groupOfLine[a.LineKey], a.Location)).Distinct().ToList();
        var splits = shipments.GroupBy(s => s.Group.Id).Sum(g => g.Count() - 1);
        var distances = shipments.Where(s => s.Group.Destination() is not null && byCode.ContainsKey(s.Location))
            .Select(s => DistanceKm(byCode[s.Location], s.Group.Destination()!.Value)).ToList();
        var wanted = Groups.Sum(g => g.Lines.Sum(l => (long)l.Quantity));
        var allocated = list.Sum(a => (long)a.Quantity);
        return new RouteMeasure(shipments.Count, splits, distances.Count == 0 ? null : distances.Average(), distances.Sum(), distances.Count,
            Math.Max(0, wanted - allocated));
    }

    /// <summary>A location without coordinates counts as the antipode, as routing ranks it.</summary>
    private static double DistanceKm(SnapshotLocation location, GeoPoint destination) =>
        location.Latitude is { } lat && location.Longitude is { } lon
            ? Haversine.DistanceKm(new GeoPoint(lat, lon), destination)
            : Math.PI * Haversine.EarthRadiusKm;
}

/// <summary>A candidate location as the attempt saw it. Coordinates may be missing (then it ranks last).</summary>
public sealed record SnapshotLocation(string Code, double? Latitude, double? Longitude, int Priority, IReadOnlyDictionary<string, long> Stock);

/// <summary>
/// A delivery group to route: its destination (null when the address had no coordinates), where it may ship from (a pickup
/// group: its pickup location only) and its lines (key = order line id, quantity = what was left to route).
/// </summary>
public sealed record SnapshotGroup(string Id, string Reference, double? Latitude, double? Longitude, string? PickupLocation,
    IReadOnlyList<string> Candidates, IReadOnlyList<RoutingLine> Lines)
{
    public GeoPoint? Destination() => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;
}

/// <summary>One delivery group's plan: what goes where, every candidate's verdict and why.</summary>
public sealed record SnapshotGroupRoute(string GroupId, IReadOnlyList<RouteAllocation> Allocations, IReadOnlyList<CandidateVerdict> Candidates,
    string Summary, double? AverageDistanceKm, decimal? ShipmentCost);

/// <summary>
/// The plan of every delivery group. <see cref="AllOrNothingFailed"/>: partial routing was not asked and something is short,
/// so nothing is allocated (<see cref="Allocations"/> is then empty).
/// </summary>
public sealed record SnapshotRoute(IReadOnlyList<SnapshotGroupRoute> Groups, bool AllOrNothingFailed)
{
    public IReadOnlyList<RouteAllocation> Allocations() => AllOrNothingFailed ? [] : [.. Groups.SelectMany(g => g.Allocations)];
}

/// <summary>What a route amounts to (see <see cref="RoutingSnapshot.Measure"/>).</summary>
public sealed record RouteMeasure(int Shipments, int Splits, double? AverageDistanceKm, double TotalDistanceKm, int MeasuredShipments, long ShortUnits);

/// <summary>
/// How a simulation routes instead of how it was routed: another <see cref="MaxSplits"/> (null: each attempt's own), distance or
/// cost ranking (cost: each location's <see cref="ShipmentCosts"/> entry, or <see cref="DefaultShipmentCost"/> for one not
/// listed), and locations taken out of every network.
/// </summary>
public sealed record RoutingStrategy(
    int? MaxSplits,
    RouteRanking Ranking,
    IReadOnlyDictionary<string, decimal> ShipmentCosts,
    decimal DefaultShipmentCost,
    IReadOnlySet<string> ExcludedLocations)
{
    /// <summary>What live routing uses: the channel's maxSplits, distance ranking, every candidate.</summary>
    public static readonly RoutingStrategy AsRecorded = new(null, RouteRanking.Distance, new Dictionary<string, decimal>(), 0m, new HashSet<string>());

    public decimal CostOf(string location) => ShipmentCosts.TryGetValue(location, out var cost) ? cost : DefaultShipmentCost;

    /// <summary>
    /// Checks a strategy as a request sends it, naming fields under <c>strategy.</c>. Ranking defaults to cost when costs are
    /// given; a location not priced costs the highest price given (a location you did not price is never preferred to one you did).
    /// </summary>
    public static RoutingStrategy Create(int? maxSplits, string? ranking, IReadOnlyDictionary<string, decimal>? shipmentCosts,
        decimal? defaultShipmentCost, IReadOnlyList<string>? excludeLocations)
    {
        var errors = new Common.FieldErrors();
        if (maxSplits is < 0 or > RoutingProblem.MaxMaxSplits)
            errors.Add("strategy.maxSplits", $"maxSplits is from 0 to {RoutingProblem.MaxMaxSplits}.");
        var costs = shipmentCosts ?? new Dictionary<string, decimal>();
        var rank = ranking switch
        {
            null => costs.Count > 0 ? RouteRanking.ShipmentCost : RouteRanking.Distance,
            "distance" => RouteRanking.Distance,
            "cost" => RouteRanking.ShipmentCost,
            _ => (RouteRanking?)null,
        };
        if (rank is null) errors.Add("strategy.ranking", $"ranking is 'distance' or 'cost', not '{ranking}'.");
        foreach (var (code, cost) in costs)
            if (cost is < 0 or > RoutingProblem.MaxShipmentCost)
                errors.Add($"strategy.shipmentCosts.{code}", string.Create(CultureInfo.InvariantCulture, $"A shipment cost is from 0 to {RoutingProblem.MaxShipmentCost:N0}."));
        if (defaultShipmentCost is < 0 or > RoutingProblem.MaxShipmentCost)
            errors.Add("strategy.defaultShipmentCost", string.Create(CultureInfo.InvariantCulture, $"defaultShipmentCost is from 0 to {RoutingProblem.MaxShipmentCost:N0}."));
        if (rank == RouteRanking.ShipmentCost && costs.Count == 0 && defaultShipmentCost is null)
            errors.Add("strategy.shipmentCosts", "Ranking by cost needs shipmentCosts: { \"<location>\": amount }.");
        if (rank == RouteRanking.Distance && (costs.Count > 0 || defaultShipmentCost is not null))
            errors.Add("strategy.ranking", "shipmentCosts only count with ranking 'cost'.");
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (excludeLocations?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(excludeLocations![i])) errors.Add($"strategy.excludeLocations[{i}]", "A location code is needed.");
            else excluded.Add(excludeLocations[i]);
        }
        errors.ThrowIfAny();
        return new RoutingStrategy(maxSplits, rank!.Value, costs, defaultShipmentCost ?? (costs.Count > 0 ? costs.Values.Max() : 0m), excluded);
    }
}
