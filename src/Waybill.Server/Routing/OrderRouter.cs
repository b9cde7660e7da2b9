using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Automation;
using Waybill.Domain.Channels;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;
using Waybill.Domain.Routing;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Channels;
using Waybill.Server.Data;
using Waybill.Server.Fulfillment;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Orders;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Routing;

/// <summary>
/// Routes an order (domain.md "Routing"): what is left unallocated goes to the fewest, nearest locations of the channel's
/// group that have it — one fulfillment order per location and delivery group — and the order's stock moves with it
/// (group → location), in the caller's transaction. What cannot be routed is backordered and tried again later. One
/// operation for the endpoint, the flow actions and the retry job; the caller commits (inside
/// <see cref="RequestCommit.InTransactionAsync{T}"/>: the stock moves are conditional updates that must commit with the rows).
/// </summary>
public sealed class OrderRouter(
    WaybillDb db, StockLedger ledger, ChannelGroups channelGroups, EventOutbox outbox, AuditTrail audit, ProcessExceptions processExceptions,
    JobScheduler jobs, IIdGenerator ids, IClock clock, IOptions<RoutingOptions> options)
{
    public const string RetryJobKind = "routing.retry";

    /// <param name="partial">
    /// True (the default): route what can ship now and backorder the rest. False: all or nothing — when anything is short,
    /// nothing is allocated and the order is backordered.
    /// </param>
    public async Task<(RoutingAttempt Attempt, Order Order)> RouteAsync(
        string orderId, bool partial, string actor, CancellationToken cancellationToken, Action<Order>? checkVersion = null)
    {
        // Two routes of one order queue on its row (PostgreSQL); SQLite writers are serialized by the write gate. The
        // order's version is the last guard either way.
        if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE id = {orderId} FOR UPDATE", cancellationToken);
        var (order, customer) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
        checkVersion?.Invoke(order);
        order.EnsureRoutable();
        var now = clock.UtcNow;

        var groupCode = await channelGroups.SellsFromAsync(db, order.Channel, cancellationToken);
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == order.Channel, cancellationToken);
        var maxSplits = Channel.MaxSplitsFor(channel);
        var reservation = order.ReservationId is { } reservationId
            ? await Inventory.Reservations.ReservationLines.LoadForChangeAsync(db, reservationId, cancellationToken)
            : null;
        if (reservation is { Status: not ReservationStatus.Active }) reservation = null;

        var lines = order.RoutableLines.Where(l => l.QuantityAvailableToFulfill > 0).ToList();
        var exclusions = await RejectedAsync(order.Id, cancellationToken);
        // What routing sees is kept with the attempt: the simulation replays it under another strategy.
        var snapshot = await StockNetwork.ReadAsync(db, order, groupCode, lines, reservation, exclusions, maxSplits, partial, cancellationToken);

        var attempt = await db.RoutingAttempts.FirstOrDefaultAsync(a => a.OrderId == order.Id && a.Status == RoutingAttemptStatus.Scheduled, cancellationToken);
        if (attempt is null)
        {
            var last = await db.RoutingAttempts.Where(a => a.OrderId == order.Id).MaxAsync(a => (int?)a.Number, cancellationToken) ?? 0;
            attempt = RoutingAttempt.Start(ids.NewId(), order.Id, last + 1, now);
            db.RoutingAttempts.Add(attempt);
        }

        // Each delivery group is planned on its own (its own destination and maxSplits), on the stock the earlier groups left.
        var route = snapshot.Route();
        var candidates = new List<AttemptCandidate>();
        var summaries = new List<string>();
        foreach (var (group, planned) in snapshot.Groups.Zip(route.Groups))
        {
            var located = group.Destination() is not null;
            candidates.AddRange(planned.Candidates.Select(v => new AttemptCandidate(group.Id, v.Location, v.Outcome, v.Reason, located ? Math.Round(v.DistanceKm, 3) : null)));
            summaries.Add($"Delivery group {group.Reference}: {planned.Summary}");
        }
        if (route.AllOrNothingFailed)
            summaries.Add("Not all of it could be routed and partial routing was not asked for: nothing was allocated.");
        var allocations = route.Allocations().Select(a => new AttemptAllocation(a.LineKey, a.Sku, a.Location, a.Quantity)).ToList();

        // The stock follows: the capture's hold moves from the group to the chosen location, the rest is reserved there.
        await MoveStockAsync(order, groupCode, reservation, allocations, now, cancellationToken);

        var fulfillmentOrders = new List<FulfillmentOrder>();
        foreach (var byPlace in allocations.GroupBy(a => (Group: lines.First(l => l.Id == a.OrderLineId).DeliveryGroupId, a.Location)))
        {
            var fo = FulfillmentOrder.Create(ids.NewId(), order.Id, order.OrderNumber, byPlace.Key.Location, byPlace.Key.Group, attempt.Id,
                [.. byPlace.Select(a => new FulfillmentLineDraft(a.OrderLineId, a.Sku, a.Quantity))], ids, now);
            db.FulfillmentOrders.Add(fo);
            fulfillmentOrders.Add(fo);
        }

        order.RecordRouting([.. allocations.Select(a => (a.OrderLineId, a.Quantity))], $"routing attempt {attempt.Number}", now);
        var shortLines = order.RoutableLines.Where(l => l.QuantityAvailableToFulfill > 0)
            .Select(l => new AttemptShortLine(l.Id, l.Sku!, l.QuantityAvailableToFulfill)).ToList();
        var outcome = allocations.Count == 0 ? RoutingOutcome.Backordered
            : shortLines.Count > 0 ? RoutingOutcome.PartiallyRouted : RoutingOutcome.Routed;
        attempt.Complete(outcome, string.Join(" ", summaries), allocations, shortLines, candidates, fulfillmentOrders.Select(f => f.Id), actor, now, snapshot);

        if (order.Status == OrderStatus.Backordered) ScheduleNextOrGiveUp(order, attempt, shortLines, actor, now);

        foreach (var fo in fulfillmentOrders) FulfillmentRecords.RecordEvents(fo, outbox, audit, actor);
        var response = await OrderStore.ResponseAsync(db, order, customer, cancellationToken,
            existing => existing.Concat(fulfillmentOrders.Select(FulfillmentOrderResponse.From)));
        OrderStore.RecordEvents(order, response, outbox, audit, actor);
        return (attempt, order);
    }

    /// <summary>
    /// A scheduled attempt came due (the retry job): route if the order is still backordered; otherwise the attempt is no
    /// longer needed and is abandoned. Returns null when there was nothing to do.
    /// </summary>
    public async Task<RoutingAttempt?> RetryAsync(string orderId, string attemptId, CancellationToken cancellationToken)
    {
        var attempt = await db.RoutingAttempts.FirstOrDefaultAsync(a => a.Id == attemptId, cancellationToken);
        if (attempt is not { Status: RoutingAttemptStatus.Scheduled }) return null;
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId)
            .Select(o => new { o.Status, o.StatusBeforeHold }).FirstOrDefaultAsync(cancellationToken);
        var status = order?.Status;
        if (status == OrderStatus.OnHold && order!.StatusBeforeHold == OrderStatus.Backordered)
        {
            // Held while backordered: the release returns it to backordered, and it must still have an attempt to come.
            var due = clock.UtcNow + options.Value.RetryInterval;
            attempt.Postpone(due);
            jobs.Schedule(RetryJobKind, new RetryPayload(orderId, attempt.Id), due, orderId);
            return attempt;
        }
        if (status != OrderStatus.Backordered)
        {
            attempt.Abandon($"Not needed: the order is {(status is { } s ? StatusNames.Of(s) : "gone")}.", clock.UtcNow);
            return attempt;
        }
        return (await RouteAsync(orderId, partial: true, "system:routing-retry", cancellationToken)).Attempt;
    }

    private void ScheduleNextOrGiveUp(Order order, RoutingAttempt attempt, IReadOnlyList<AttemptShortLine> shortLines, string actor, DateTimeOffset now)
    {
        var settings = options.Value;
        if (attempt.Number >= settings.MaxAttempts)
        {
            attempt.Abandon($"This was attempt {attempt.Number} of {settings.MaxAttempts}: no further attempt is scheduled.", now);
            processExceptions.Raise(new NewProcessException(order.Id, ProcessExceptionCategory.Routing, ProcessExceptionSeverity.High,
                $"Order {order.OrderNumber} is still backordered after {attempt.Number} routing attempts: " +
                string.Join(", ", shortLines.Select(s => $"{s.Quantity} × {s.Sku}")) + " could not be routed. Route it by hand (POST /api/v1/orders/{id}/route) once stock is there, or cancel the lines."),
                actor);
            return;
        }
        var due = now + settings.RetryInterval;
        attempt.ExpectNext(due);
        var next = RoutingAttempt.Schedule(ids.NewId(), order.Id, attempt.Number + 1, due, now);
        db.RoutingAttempts.Add(next);
        jobs.Schedule(RetryJobKind, new RetryPayload(order.Id, next.Id), due, order.Id);
    }

    public sealed record RetryPayload(string OrderId, string AttemptId);

    /// <summary>Order lines a location rejected: never offered to it again (domain.md).</summary>
    private async Task<List<LineExclusion>> RejectedAsync(string orderId, CancellationToken cancellationToken) =>
        (await (from l in db.FulfillmentOrderLines
                join f in db.FulfillmentOrders on l.FulfillmentOrderId equals f.Id
                where f.OrderId == orderId && l.QuantityRejected > 0
                select new { l.OrderLineId, f.Location }).Distinct().ToListAsync(cancellationToken))
        .Select(x => new LineExclusion(x.OrderLineId, x.Location)).ToList();

    private async Task MoveStockAsync(Order order, string groupCode, Reservation? reservation, List<AttemptAllocation> allocations, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (allocations.Count == 0) return;
        var transfers = new List<StockTransfer>();
        var newHolds = new List<HeldStock>();
        var heldLeft = new Dictionary<(string, StockTarget), int>();
        foreach (var a in allocations)
        {
            var line = order.RoutableLines.First(l => l.Id == a.OrderLineId);
            var group = order.DeliveryGroups.First(g => g.Id == line.DeliveryGroupId);
            var pickup = group.DeliveryMethod.Type == DeliveryMethodType.Pickup;
            var source = pickup ? StockTarget.Location(a.Location) : StockTarget.Group(groupCode);
            var key = (a.Sku, source);
            if (!heldLeft.ContainsKey(key)) heldLeft[key] = reservation?.HeldAt(a.Sku, source) ?? 0;
            var fromHeld = Math.Min(a.Quantity, heldLeft[key]);
            heldLeft[key] -= fromHeld;
            // A pickup's stock is held at its location since capture: nothing moves.
            if (fromHeld > 0 && !pickup) transfers.Add(new StockTransfer(a.Sku, fromHeld, source, StockTarget.Location(a.Location)));
            if (a.Quantity > fromHeld) newHolds.Add(new HeldStock(a.Sku, StockTarget.Location(a.Location), a.Quantity - fromHeld));
        }

        foreach (var t in transfers.OrderBy(t => t.Sku, StringComparer.Ordinal))
            if (!await ledger.TransferAsync(t.Sku, t.From, t.To, t.Quantity, ignoreAvailability: false, cancellationToken))
                throw StockMoved(t.Sku, t.To.Code);
        foreach (var h in newHolds.OrderBy(h => h.Sku, StringComparer.Ordinal))
            if (await ledger.ReserveAsync(h.Sku, h.Target, h.Quantity, partial: false, cancellationToken) != h.Quantity)
                throw StockMoved(h.Sku, h.Target.Code);

        if (reservation is null)
        {
            // The capture held nothing (or its reservation is over): routing's holds get a reservation of their own.
            var opened = Reservation.Open(ids.NewId(), null, newHolds, null, order.Id, now);
            db.Reservations.Add(opened);
            order.UseReservation(opened.Id);
            return;
        }
        if (transfers.Count > 0) reservation.Transfer(transfers, now);
        if (newHolds.Count > 0) reservation.Add(newHolds, now);
    }

    private static ProblemException StockMoved(string sku, string location) =>
        new(Problems.Create(409, "version_conflict", "Stock changed while routing.",
            string.Create(CultureInfo.InvariantCulture, $"{sku} at {location} was taken by someone else while the order was routed; nothing was changed. Route again.")));
}
