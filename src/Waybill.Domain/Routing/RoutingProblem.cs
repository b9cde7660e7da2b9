using Waybill.Domain.Common;
using Waybill.Domain.Inventory;

namespace Waybill.Domain.Routing;

/// <summary>
/// One quantity to route. <see cref="Key"/> is opaque (an order line id, or the position in a request) so two lines of
/// one SKU — e.g. the same product in two delivery groups routed together — stay apart and can carry their own exclusions.
/// </summary>
public sealed record RoutingLine(string Key, string Sku, int Quantity);

/// <summary>
/// A location that may ship: where it is, its priority (lower first) and its available-to-fulfill stock per SKU.
/// <see cref="ShipmentCost"/> is what one shipment from it costs, used when the problem ranks by cost.
/// </summary>
public sealed record CandidateLocation(
    string Code,
    double Latitude,
    double Longitude,
    int Priority,
    IReadOnlyDictionary<string, long> Stock,
    decimal? ShipmentCost = null)
{
    public long StockOf(string sku) => Stock.TryGetValue(sku, out var quantity) ? quantity : 0;
}

/// <summary>"A location that rejected an order line is never offered that line again": this line may not go there.</summary>
public sealed record LineExclusion(string LineKey, string Location);

/// <summary>What ranks routes that need the same (fewest) number of locations.</summary>
public enum RouteRanking
{
    /// <summary>Average great-circle distance from the chosen locations to the destination.</summary>
    Distance,
    /// <summary>Total of the chosen locations' per-shipment costs.</summary>
    ShipmentCost,
}

/// <summary>
/// A routing question, checked whole: the lines to ship, the candidate locations with their stock, the destination and
/// how many extra shipments (<see cref="MaxSplits"/>) are allowed. Invalid input throws one
/// <see cref="DomainValidationException"/> naming every bad field by its request path (<c>lines[2].quantity</c>).
/// </summary>
public sealed class RoutingProblem
{
    /// <summary>Sizes beyond these are refused: the search is exact, and exact set cover is exponential in the worst case.</summary>
    public const int MaxLines = 500;
    public const int MaxLocations = 1000;
    public const int MaxQuantity = 1_000_000;
    public const int MaxMaxSplits = 20;
    public const decimal MaxShipmentCost = 100_000m;

    /// <summary>
    /// The search stops after this many nodes and says its answer is not proven optimal. Far above what realistic
    /// problems need (the benchmark's largest explore a few thousand); it keeps an adversarial request from holding a core.
    /// </summary>
    public const long DefaultNodeLimit = 2_000_000;

    private RoutingProblem(IReadOnlyList<RoutingLine> lines, IReadOnlyList<CandidateLocation> locations, GeoPoint destination,
        int maxSplits, RouteRanking ranking, IReadOnlyList<LineExclusion> exclusions, long? nodeLimit)
    {
        Lines = lines;
        Locations = locations;
        Destination = destination;
        MaxSplits = maxSplits;
        Ranking = ranking;
        Exclusions = exclusions;
        NodeLimit = nodeLimit;
    }

    public IReadOnlyList<RoutingLine> Lines { get; }
    public IReadOnlyList<CandidateLocation> Locations { get; }
    public GeoPoint Destination { get; }
    /// <summary>Extra shipments allowed: a route has at most <c>MaxSplits + 1</c> locations.</summary>
    public int MaxSplits { get; }
    public RouteRanking Ranking { get; }
    public IReadOnlyList<LineExclusion> Exclusions { get; }
    /// <summary>Null: no limit, the search always runs to a proof.</summary>
    public long? NodeLimit { get; }

    public static RoutingProblem Create(
        IReadOnlyList<RoutingLine> lines,
        IReadOnlyList<CandidateLocation> locations,
        GeoPoint destination,
        int maxSplits,
        RouteRanking ranking = RouteRanking.Distance,
        IReadOnlyList<LineExclusion>? exclusions = null,
        long? nodeLimit = DefaultNodeLimit)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(locations);
        exclusions ??= [];
        var errors = new FieldErrors();

        if (lines.Count == 0) errors.Add("lines", "At least one line is needed.");
        if (lines.Count > MaxLines) errors.Add("lines", $"At most {MaxLines} lines are routed at once.");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (string.IsNullOrEmpty(line.Key)) errors.Add($"lines[{i}].key", "A line needs a key.");
            else if (!keys.Add(line.Key)) errors.Add($"lines[{i}].key", $"The key '{line.Key}' is used by an earlier line.");
            if (string.IsNullOrWhiteSpace(line.Sku)) errors.Add($"lines[{i}].sku", "sku is required.");
            if (line.Quantity is <= 0 or > MaxQuantity) errors.Add($"lines[{i}].quantity", $"quantity is a whole number from 1 to {MaxQuantity}.");
        }

        if (locations.Count > MaxLocations) errors.Add("locations", $"At most {MaxLocations} candidate locations are considered at once.");
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < locations.Count; j++)
        {
            var location = locations[j];
            var field = $"locations[{j}]";
            Codes.Check(location.Code, $"{field}.code", errors);
            if (location.Code is not null && !codes.Add(location.Code)) errors.Add($"{field}.code", $"The code '{location.Code}' is listed twice.");
            CheckCoordinates(location.Latitude, location.Longitude, field, errors);
            if (location.Stock is null) errors.Add($"{field}.stock", "stock is required (an empty object for none).");
            else
            {
                foreach (var (sku, quantity) in location.Stock)
                    if (quantity < 0) errors.Add($"{field}.stock.{sku}", "Stock is never negative; send 0 for none.");
            }
            if (location.Priority is < 0 or > Location.LowestPriority)
                errors.Add($"{field}.priority", $"priority is a whole number from 0 (most preferred) to {Location.LowestPriority:N0}.");
            if (location.ShipmentCost is < 0 or > MaxShipmentCost)
                errors.Add($"{field}.shipmentCost", $"shipmentCost is from 0 to {MaxShipmentCost:N0}.");
            if (ranking == RouteRanking.ShipmentCost && location.ShipmentCost is null)
                errors.Add($"{field}.shipmentCost", "Ranking by shipment cost needs a cost for every location.");
        }

        CheckCoordinates(destination.Latitude, destination.Longitude, "destination", errors);
        if (maxSplits is < 0 or > MaxMaxSplits) errors.Add("maxSplits", $"maxSplits is from 0 to {MaxMaxSplits}.");
        if (nodeLimit is <= 0) errors.Add("nodeLimit", "A node limit is positive (or none).");

        for (var n = 0; n < exclusions.Count; n++)
        {
            if (!keys.Contains(exclusions[n].LineKey)) errors.Add($"exclusions[{n}].lineKey", $"No line has the key '{exclusions[n].LineKey}'.");
        }

        errors.ThrowIfAny();
        return new RoutingProblem(lines.ToArray(), locations.ToArray(), destination, maxSplits, ranking, exclusions.ToArray(), nodeLimit);
    }

    private static void CheckCoordinates(double latitude, double longitude, string field, FieldErrors errors)
    {
        if (!(latitude is >= -90 and <= 90)) errors.Add($"{field}.latitude", "latitude is between -90 and 90.");
        if (!(longitude is >= -180 and <= 180)) errors.Add($"{field}.longitude", "longitude is between -180 and 180.");
    }
}
