using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Routing;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Routing;

/// <summary>
/// <c>POST /api/v1/routing/simulate</c>: replays the routing attempts completed in [from, to) under another strategy, each
/// against the stock it saw (its stored <see cref="RoutingSnapshot"/>), and compares the totals with what was recorded.
/// Reads only; writes nothing but, when the request carries an <c>Idempotency-Key</c>, the key's record.
/// </summary>
public static class SimulateRouting
{
    /// <summary>Per-attempt rows in the answer; the totals always cover every attempt.</summary>
    public const int MaxRows = 100;

    public sealed record Request(string? From, string? To, StrategyInput? Strategy);

    public sealed record StrategyInput(int? MaxSplits, string? Ranking, Dictionary<string, decimal>? ShipmentCosts, decimal? DefaultShipmentCost,
        List<string>? ExcludeLocations);

    public sealed record Response(
        DateTimeOffset From,
        DateTimeOffset To,
        StrategyResponse Strategy,
        int Attempts,
        int Orders,
        int NotReplayable,
        Totals Before,
        Totals After,
        IReadOnlyList<AttemptRow> Items,
        int ItemCount);

    public sealed record StrategyResponse(int? MaxSplits, string Ranking, IReadOnlyDictionary<string, decimal> ShipmentCosts, decimal? DefaultShipmentCost,
        IReadOnlyList<string> ExcludeLocations);

    /// <summary>
    /// <c>averageDistanceKm</c> is per shipment (one per delivery group and location) over the shipments whose delivery address
    /// has coordinates; null when there is none.
    /// </summary>
    public sealed record Totals(int Shipments, int Splits, double? AverageDistanceKm, int BackorderedAttempts, long ShortUnits, long RoutedUnits);

    public sealed record AttemptRow(string AttemptId, string OrderId, int Number, DateTimeOffset? CompletedAt, Outcome Before, Outcome After);

    public sealed record Outcome(int Shipments, int Splits, double? AverageDistanceKm, long ShortUnits, IReadOnlyList<string> Locations,
        IReadOnlyList<AllocationRow> Allocations);

    public sealed record AllocationRow(string OrderLineId, string Sku, string Location, int Quantity);

    public static RouteHandlerBuilder MapSimulateRouting(this RouteGroupBuilder routing) => routing
        .MapPost("/simulate", Handle)
        .RequireAuthorization(Policies.ReadAvailability)
        .WithName("SimulateRouting")
        .WithSummary("Replay past routing attempts under another strategy and compare splits, distance and backorders (nothing written)");

    public static async Task<Ok<Response>> Handle(Request request, WaybillDb db, RequestCommit commit, HttpContext http,
        Microsoft.Extensions.Options.IOptions<RoutingOptions> options, CancellationToken cancellationToken)
    {
        var (from, to, strategy) = Parse(request);
        // A storefront key sees its own captures only, here as everywhere.
        var orders = db.Orders.AsNoTracking().VisibleTo(http.User).Select(o => o.Id);
        var inPeriod = db.RoutingAttempts.AsNoTracking()
            .Where(a => a.CompletedAt >= from && a.CompletedAt < to && a.Outcome != null && orders.Contains(a.OrderId));
        var replayable = inPeriod.Where(a => a.Snapshot != null);
        var count = await replayable.CountAsync(cancellationToken);
        var most = options.Value.SimulationMaxAttempts;
        if (count > most)
        {
            var problem = Problems.Create(422, "too_many_attempts", "Too many attempts to replay at once.",
                $"{count} routing attempts completed in this period; one simulation replays at most {most}. Narrow from/to.");
            problem.Extensions["errors"] = new Dictionary<string, string[]>
            {
                ["from"] = [$"The period holds {count} attempts (at most {most})."],
                ["to"] = [$"The period holds {count} attempts (at most {most})."],
            };
            throw new ProblemException(problem);
        }
        var notReplayable = await inPeriod.CountAsync(a => a.Snapshot == null, cancellationToken);

        var before = new Accumulator();
        var after = new Accumulator();
        var rows = new List<AttemptRow>();
        var orderIds = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var attempt in replayable.OrderBy(a => a.CompletedAt).ThenBy(a => a.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var snapshot = attempt.Snapshot!;
            orderIds.Add(attempt.OrderId);
            var recorded = attempt.Allocations.Select(a => new AllocationRow(a.OrderLineId, a.Sku, a.Location, a.Quantity)).ToList();
            var replayed = snapshot.Route(strategy).Allocations().Select(a => new AllocationRow(a.LineKey, a.Sku, a.Location, a.Quantity)).ToList();
            var was = Measure(snapshot, recorded);
            var becomes = Measure(snapshot, replayed);
            before.Add(was.Measure, recorded);
            after.Add(becomes.Measure, replayed);
            if (rows.Count < MaxRows)
                rows.Add(new AttemptRow(attempt.Id, attempt.OrderId, attempt.Number, attempt.CompletedAt, was.Outcome, becomes.Outcome));
        }

        var response = new Response(from, to, new StrategyResponse(strategy.MaxSplits, strategy.Ranking == RouteRanking.ShipmentCost ? "cost" : "distance",
                strategy.ShipmentCosts, strategy.Ranking == RouteRanking.ShipmentCost ? strategy.DefaultShipmentCost : null, [.. strategy.ExcludedLocations.Order(StringComparer.Ordinal)]),
            count, orderIds.Count, notReplayable, before.Totals(), after.Totals(), rows, count);
        // The only write: the idempotency record, so a replay answers the same and a reused key with another body is 422.
        if (http.Features.Get<PendingIdempotency>() is not null) await commit.SaveAsync(200, response, null, cancellationToken);
        return TypedResults.Ok(response);
    }

    private static (RouteMeasure Measure, Outcome Outcome) Measure(RoutingSnapshot snapshot, List<AllocationRow> allocations)
    {
        var measure = snapshot.Measure(allocations.Select(a => (a.OrderLineId, a.Location, a.Quantity)));
        var outcome = new Outcome(measure.Shipments, measure.Splits, Round(measure.AverageDistanceKm), measure.ShortUnits,
            [.. allocations.Select(a => a.Location).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], allocations);
        return (measure, outcome);
    }

    private static double? Round(double? km) => km is { } value ? Math.Round(value, 3) : null;

    private sealed class Accumulator
    {
        private int _shipments, _splits, _backordered, _measured;
        private double _distance;
        private long _short, _routed;

        public void Add(RouteMeasure measure, List<AllocationRow> allocations)
        {
            _shipments += measure.Shipments;
            _splits += measure.Splits;
            _measured += measure.MeasuredShipments;
            _distance += measure.TotalDistanceKm;
            _short += measure.ShortUnits;
            _routed += allocations.Sum(a => (long)a.Quantity);
            if (measure.ShortUnits > 0) _backordered++;
        }

        public Totals Totals() => new(_shipments, _splits, _measured == 0 ? null : Round(_distance / _measured), _backordered, _short, _routed);
    }

    private static (DateTimeOffset From, DateTimeOffset To, RoutingStrategy Strategy) Parse(Request request)
    {
        var errors = new FieldErrors();
        var from = Instant(request.From, "from", errors);
        var to = Instant(request.To, "to", errors);
        if (from is not null && to is not null && from >= to) errors.Add("to", "to is after from: the period is [from, to).");
        RoutingStrategy? strategy = null;
        var s = request.Strategy;
        if (s is null) errors.Add("strategy", "strategy is required: { maxSplits?, ranking?, shipmentCosts?, defaultShipmentCost?, excludeLocations? }.");
        else
        {
            try
            {
                strategy = RoutingStrategy.Create(s.MaxSplits, s.Ranking, s.ShipmentCosts, s.DefaultShipmentCost, s.ExcludeLocations);
            }
            catch (DomainValidationException invalid)
            {
                foreach (var (field, messages) in invalid.Errors)
                    foreach (var message in messages) errors.Add(field, message);
            }
        }
        errors.ThrowIfAny();
        return (from!.Value, to!.Value, strategy!);
    }

    private static DateTimeOffset? Instant(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors.Add(field, $"{field} is required (ISO 8601, e.g. 2026-11-22T00:00:00Z)."); return null; }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return at.ToUniversalTime();
        errors.Add(field, $"'{value}' is not an ISO 8601 timestamp.");
        return null;
    }
}
