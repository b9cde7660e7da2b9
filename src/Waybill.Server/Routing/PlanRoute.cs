using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Routing;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Routing;

/// <summary>
/// <c>POST /api/v1/routing/plan</c>: the solver on its own. Lines, candidate locations with their stock and a destination
/// in; the fewest-locations route (or why there is none) out. Reads no stock and writes nothing but, when the request
/// carries an <c>Idempotency-Key</c>, the key's record — so a reused key with another body is still refused.
/// </summary>
public static class PlanRoute
{
    /// <summary>domain.md: maxSplits defaults to 3.</summary>
    public const int DefaultMaxSplits = 3;

    public sealed record Request(List<LineInput?>? Lines, List<LocationInput?>? Locations, PointInput? Destination, int? MaxSplits);

    /// <summary><c>excludedLocations</c>: places this line may not go (e.g. they rejected it before).</summary>
    public sealed record LineInput(string? Sku, int? Quantity, List<string>? ExcludedLocations);

    /// <summary>When any location has a <c>shipmentCost</c>, every one must, and cost ranks routes instead of distance.</summary>
    public sealed record LocationInput(string? Code, double? Latitude, double? Longitude, int? Priority, Dictionary<string, long>? Stock, decimal? ShipmentCost);

    public sealed record PointInput(double? Latitude, double? Longitude);

    public sealed record Response(
        bool Feasible,
        int LocationCount,
        int Splits,
        IReadOnlyList<AllocationResponse> Allocations,
        double? AverageDistanceKm,
        string Explanation,
        IReadOnlyList<string> Locations,
        decimal? ShipmentCost,
        bool ProvenOptimal,
        long NodesExplored,
        IReadOnlyList<CandidateResponse> Candidates,
        IReadOnlyList<ShortLineResponse> ShortLines);

    /// <summary><c>line</c> is the position of the request line it ships (two lines may have one SKU).</summary>
    public sealed record AllocationResponse(string Location, string Sku, int Quantity, int Line);

    public sealed record CandidateResponse(string Location, CandidateOutcome Outcome, string Reason, double DistanceKm);

    public sealed record ShortLineResponse(int Line, string Sku, int Quantity, long Available);

    public static RouteHandlerBuilder MapPlanRoute(this RouteGroupBuilder routing) => routing
        .MapPost("/plan", Handle)
        .RequireAuthorization(Policies.ReadAvailability)
        .WithName("PlanRoute")
        .WithSummary("Plan the fewest-splits route for lines over candidate locations (no state read or written)");

    public static async Task<Ok<Response>> Handle(Request request, RequestCommit commit, HttpContext http, CancellationToken cancellationToken)
    {
        var problem = ToProblem(request);
        var response = ToResponse(Router.Plan(problem));
        // The only write: the idempotency record, so a replay answers the same and a reused key with another body is 422.
        if (http.Features.Get<PendingIdempotency>() is not null) await commit.SaveAsync(200, response, null, cancellationToken);
        return TypedResults.Ok(response);
    }

    /// <summary>Checks what is missing; the domain checks the values (ranges, duplicates, limits) and names the fields.</summary>
    private static RoutingProblem ToProblem(Request request)
    {
        var errors = new FieldErrors();
        var lines = new List<RoutingLine>();
        var exclusions = new List<LineExclusion>();
        if (request.Lines is null) errors.Add("lines", "lines is required: at least one { sku, quantity }.");
        for (var i = 0; i < (request.Lines?.Count ?? 0); i++)
        {
            var line = request.Lines![i];
            if (line is null) { errors.Add($"lines[{i}]", "A line is an object { sku, quantity }."); continue; }
            if (line.Quantity is null) errors.Add($"lines[{i}].quantity", "quantity is required.");
            var key = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            lines.Add(new RoutingLine(key, line.Sku ?? "", line.Quantity ?? 1));
            foreach (var code in line.ExcludedLocations ?? []) exclusions.Add(new LineExclusion(key, code));
        }

        var locations = new List<CandidateLocation>();
        if (request.Locations is null) errors.Add("locations", "locations is required (an empty list for none).");
        for (var j = 0; j < (request.Locations?.Count ?? 0); j++)
        {
            var location = request.Locations![j];
            var field = $"locations[{j}]";
            if (location is null) { errors.Add(field, "A location is an object { code, latitude, longitude, priority, stock }."); continue; }
            if (location.Latitude is null) errors.Add($"{field}.latitude", "latitude is required.");
            if (location.Longitude is null) errors.Add($"{field}.longitude", "longitude is required.");
            locations.Add(new CandidateLocation(location.Code ?? "", location.Latitude ?? 0, location.Longitude ?? 0, location.Priority ?? 0,
                location.Stock ?? new Dictionary<string, long>(), location.ShipmentCost));
        }

        if (request.Destination?.Latitude is null) errors.Add("destination.latitude", "destination.latitude is required.");
        if (request.Destination?.Longitude is null) errors.Add("destination.longitude", "destination.longitude is required.");
        var ranking = request.Locations?.Any(l => l?.ShipmentCost is not null) == true ? RouteRanking.ShipmentCost : RouteRanking.Distance;
        var destination = new GeoPoint(request.Destination?.Latitude ?? 0, request.Destination?.Longitude ?? 0);

        // Missing fields and bad values are reported together.
        try
        {
            var problem = RoutingProblem.Create(lines, locations, destination, request.MaxSplits ?? DefaultMaxSplits, ranking, exclusions);
            errors.ThrowIfAny();
            return problem;
        }
        catch (DomainValidationException invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
                foreach (var message in messages) errors.Add(field, message);
            errors.ThrowIfAny();
            throw;
        }
    }

    private static Response ToResponse(RoutePlan plan)
    {
        static int LineOf(string key) => int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
        return new Response(
            plan.Feasible,
            plan.LocationCount,
            plan.Splits,
            plan.Allocations.Select(a => new AllocationResponse(a.Location, a.Sku, a.Quantity, LineOf(a.LineKey))).ToArray(),
            plan.AverageDistanceKm is { } km ? Math.Round(km, 3) : null,
            plan.Explanation.Summary,
            plan.Locations,
            plan.TotalShipmentCost,
            plan.Explanation.ProvenOptimal,
            plan.Explanation.NodesExplored,
            plan.Explanation.Candidates.Select(c => new CandidateResponse(c.Location, c.Outcome, c.Reason, Math.Round(c.DistanceKm, 3))).ToArray(),
            plan.Explanation.ShortLines.Select(s => new ShortLineResponse(LineOf(s.LineKey), s.Sku, s.Quantity, s.Available)).ToArray());
    }
}
