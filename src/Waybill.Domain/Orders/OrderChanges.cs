using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>Changes after capture (domain.md "Changes"): cancels and returns as change orders; the original is never edited.</summary>
public sealed partial class Order
{
    /// <summary>
    /// What canceling these units would do, as a change order, changing nothing (the preview; <see cref="Cancel"/> applies
    /// the same computation). Only unallocated units can be canceled, and they are taken from the back of the line
    /// (<see cref="LineUnits"/>): canceling units one at a time takes exactly what canceling them at once takes. With
    /// <paramref name="reduceShipping"/> a group's delivery charge is reduced in proportion to the part of the group's
    /// products canceled so far — recomputed from the whole canceled part each time, so it too adds up to the same
    /// whichever way the units go; all of it when the whole group is canceled.
    /// </summary>
    /// <param name="billedCharges">Delivery-charge lines already invoiced: a cancel leaves them (what was billed goes back by a credit memo, not here).</param>
    public ChangeOrder PreviewCancel(string changeOrderId, IReadOnlyList<CancelRequestLine> request, bool reduceShipping, string? reason, DateTimeOffset now,
        IReadOnlySet<string>? billedCharges = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Status is OrderStatus.Closed or OrderStatus.Canceled or OrderStatus.Fulfilled)
            throw new InvalidTransitionException("order", StatusNames.Of(Status), "cancel items of");
        var wanted = Wanted(request.Select(r => (r.LineId, r.Quantity)).ToList(), "cancel");
        var byId = ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var (lineId, quantity) in wanted)
        {
            var line = byId[lineId];
            if (quantity > line.QuantityAvailableToCancel)
                throw new DomainException("quantity_not_cancelable",
                    $"Line {line.Reference} ({line.Sku}) has {line.QuantityAvailableToCancel} units that can be canceled (not yet sent to a location); {quantity} cannot be.");
        }

        var currency = Currency;
        var lines = new List<ChangeOrderLine>();
        foreach (var line in ProductLines.Where(l => wanted.ContainsKey(l.Id)))
        {
            var quantity = wanted[line.Id];
            // The last units still on the line (units already canceled are the very last ones).
            var share = LineUnits.Of(line, currency, line.QuantityOrdered - line.QuantityCanceled - quantity, quantity);
            var lineReason = request.FirstOrDefault(r => r.LineId == line.Id && r.Reason is not null)?.Reason;
            lines.Add(new ChangeOrderLine(line.Id, OrderLineType.Product, -quantity, -share.Amount, -share.AdjustmentAmount, -share.TaxAmount, lineReason));
        }
        foreach (var group in _deliveryGroups.Where(g => g.ProductLines.Any(l => wanted.ContainsKey(l.Id))))
        {
            // A group with nothing left to deliver charges nothing for delivery, whether reduceShipping was asked or not.
            var groupEmptied = group.ProductLines.All(l => l.QuantityNetOrdered - wanted.GetValueOrDefault(l.Id) == 0);
            if (!reduceShipping && !groupEmptied) continue;
            {
                foreach (var charge in group.Lines.Where(l => l.Type == OrderLineType.DeliveryCharge && billedCharges?.Contains(l.Id) != true))
                {
                    // Emptied: whatever is left of the charge goes (earlier cancels may not have reduced it).
                    var delta = groupEmptied
                        ? new ChangeOrderLine(charge.Id, OrderLineType.DeliveryCharge, 0, -charge.LineAmount, -charge.AdjustmentAmount, -charge.TaxAmount)
                        : DeliveryReduction(group, charge, l => (l.QuantityCanceled + wanted.GetValueOrDefault(l.Id), l.ReturnedUnits), currency);
                    if (delta is { AmountDelta: 0, AdjustmentDelta: 0, TaxDelta: 0 }) delta = null;
                    if (delta is not null) lines.Add(delta);
                }
            }
        }
        return new ChangeOrder(changeOrderId, Id, ChangeOrderKind.Cancel, reason, lines, Taxation, now);
    }

    /// <summary>The order's figures were this change applied: the preview's "totalsAfter", equal to the submit's.</summary>
    public OrderTotals TotalsAfter(ChangeOrder change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var deltas = change.Lines.Where(l => l.OrderLineId is not null).GroupBy(l => l.OrderLineId!).ToDictionary(g => g.Key,
            g => (Amount: g.Sum(l => l.AmountDelta), Adjustment: g.Sum(l => l.AdjustmentDelta), Tax: g.Sum(l => l.TaxDelta)));
        var fees = change.Lines.Where(l => l.Type == OrderLineType.Fee).Sum(l => l.AmountDelta);
        return OrderTotals.Of(Lines.Select(l =>
        {
            var d = deltas.GetValueOrDefault(l.Id);
            return new LineFigures(l.Type, l.LineAmount + d.Amount, l.AdjustmentAmount + d.Adjustment, l.TaxAmount + d.Tax);
        }).Append(new LineFigures(OrderLineType.Fee, FeeAmount + fees, 0m, 0m)), Taxation);
    }

    /// <summary>Cancels the units: the preview's change order, applied; the order is <c>canceled</c> once no line has a unit left.</summary>
    public ChangeOrder Cancel(string changeOrderId, IReadOnlyList<CancelRequestLine> request, bool reduceShipping, string? reason, DateTimeOffset now,
        IReadOnlySet<string>? billedCharges = null)
    {
        var change = PreviewCancel(changeOrderId, request, reduceShipping, reason, now, billedCharges);
        var lines = Lines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var delta in change.Lines) lines[delta.OrderLineId!].Apply(delta, ChangeOrderKind.Cancel);
        var previous = Status;
        UpdatedAt = now;
        Version++;
        _events.Add(new OrderEvent(OrderEventTypes.Changed, "cancel", previous, Status, reason));
        if (ProductLines.All(l => l.QuantityNetOrdered == 0))
        {
            MoveTo(OrderStatus.Canceled, now);
            _events.Add(new OrderEvent(OrderEventTypes.Canceled, "cancel", previous, Status, reason));
            _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, "cancel", previous, Status, reason));
        }
        else if (Status is OrderStatus.Backordered or OrderStatus.WaitingToFulfill or OrderStatus.PartiallyFulfilled)
        {
            // The units that kept the order waiting may be the ones canceled: its status follows what is left.
            var routable = RoutableLines.Where(l => l.QuantityNetOrdered > 0).ToList();
            var status = routable.All(l => l.QuantityFulfilled == l.QuantityNetOrdered) ? OrderStatus.Fulfilled
                : routable.Any(l => l.QuantityAvailableToFulfill > 0) ? (Status == OrderStatus.Backordered ? OrderStatus.Backordered : Status)
                : routable.Any(l => l.QuantityFulfilled > 0) ? OrderStatus.PartiallyFulfilled
                : OrderStatus.WaitingToFulfill;
            if (status != Status)
            {
                MoveTo(status, now);
                _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, "cancel", previous, Status, reason));
            }
        }
        return change;
    }

    /// <summary>
    /// The delivery charge's part for the group's products taken off (canceled or returned) after this change, less what
    /// earlier changes took: the charge (amount, adjustments, tax, each as a sum) split by the largest remainder method over
    /// [taken off, kept] weights — the products' original adjusted amounts of those units, or their units when those are
    /// all zero. Recomputed from the whole part taken off each time, so one by one adds up to all at once.
    /// </summary>
    /// <param name="after">Each product line's canceled count and returned units once the change is made.</param>
    private static ChangeOrderLine? DeliveryReduction(DeliveryGroup group, OrderLine charge, Func<OrderLine, (int Canceled, UnitRanges Returned)> after,
        Currency currency)
    {
        var products = group.ProductLines.ToList();
        var byAmount = products.Any(l => l.OriginalLineAmount + l.OriginalAdjustmentAmount > 0);
        long Weight(OrderLine line, int canceled, UnitRanges returned) => byAmount
            ? currency.ToMinor(LineUnits.Of(line, currency, line.QuantityOrdered - canceled, canceled, asCaptured: true).AdjustedAmount)
              + returned.Runs.Sum(r => currency.ToMinor(LineUnits.Of(line, currency, r.First, r.Count, asCaptured: true).AdjustedAmount))
            : canceled + returned.Count;
        long total = products.Sum(l => Weight(l, l.QuantityOrdered, UnitRanges.Empty));
        long takenBefore = products.Sum(l => Weight(l, l.QuantityCanceled, l.ReturnedUnits));
        long takenAfter = products.Sum(l =>
        {
            var (canceled, returned) = after(l);
            return Weight(l, canceled, returned);
        });
        decimal Part(decimal whole, long taken) =>
            currency.FromMinor(Common.Proration.Split(currency.ToMinor(whole), [taken, total - taken])[0]);
        decimal Delta(decimal whole) => Part(whole, takenBefore) - Part(whole, takenAfter);
        var line = new ChangeOrderLine(charge.Id, OrderLineType.DeliveryCharge, 0,
            Delta(charge.OriginalLineAmount), Delta(charge.OriginalAdjustmentAmount), Delta(charge.OriginalTaxAmount));
        // A charge an appeasement lowered may have less left than its captured part: a reduction takes at most what is left.
        if (charge.AdjustedAmount + line.AdjustedDelta < 0 || charge.TaxAmount + line.TaxDelta < 0)
            line = new ChangeOrderLine(charge.Id, OrderLineType.DeliveryCharge, 0, -charge.LineAmount, -charge.AdjustmentAmount, -charge.TaxAmount);
        return line.AmountDelta == 0 && line.AdjustmentDelta == 0 && line.TaxDelta == 0 ? null : line;
    }

    /// <summary>
    /// What taking these units back would do, as a change order, changing nothing (the preview; <see cref="Return"/>
    /// applies the same computation). Only shipped units not already on a return can come back directly; units a return
    /// order announced (<paramref name="announced"/>) come back when it is received. A return takes the most recently shipped
    /// units first (<see cref="UnitRanges"/>), each with its unit share, so returning units one at a time credits exactly
    /// what returning them at once credits. With <paramref name="reduceShipping"/> the group's delivery charge is reduced in
    /// proportion to its products taken off (canceled or returned) — all of what is left when nothing of the group is kept.
    /// Fees (restocking, return shipping) are positive lines that reduce what is owed back; fees beyond it are owed.
    /// </summary>
    public ChangeOrder PreviewReturn(string changeOrderId, IReadOnlyList<ReturnRequestLine> request, bool reduceShipping, IReadOnlyList<ReturnFee> fees,
        string? reason, DateTimeOffset now, bool announced = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(fees);
        var currency = Currency;
        var wanted = Wanted(request.Select(r => (r.LineId, r.Quantity)).ToList(), "return");
        var errors = new FieldErrors();
        for (var i = 0; i < fees.Count; i++)
        {
            if (fees[i].Amount <= 0) errors.Add($"fees[{i}].amount", "A fee is an amount above zero.");
            else if (!currency.Allows(fees[i].Amount)) errors.Add($"fees[{i}].amount", $"{CurrencyCode} amounts have at most {currency.MinorUnits} decimals.");
        }
        errors.ThrowIfAny();
        var byId = ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var (lineId, quantity) in wanted)
        {
            var line = byId[lineId];
            var available = announced ? line.QuantityReturnInitiated - line.QuantityReturned : line.QuantityAvailableToReturn;
            if (quantity > available)
                throw new DomainException("quantity_not_returnable", announced
                    ? $"Line {line.Reference} ({line.Sku}) has {available} units announced on return orders and not received; {quantity} cannot be received."
                    : $"Line {line.Reference} ({line.Sku}) has {available} units that can be returned (shipped, not on a return yet); {quantity} cannot be.");
        }

        var lines = new List<ChangeOrderLine>();
        var returnedAfter = new Dictionary<string, UnitRanges>(StringComparer.Ordinal);
        foreach (var line in ProductLines.Where(l => wanted.ContainsKey(l.Id)))
        {
            var (taken, after) = line.ReturnedUnits.TakeFromBack(line.QuantityFulfilled, wanted[line.Id]);
            returnedAfter[line.Id] = after;
            var shares = taken.Select(run => LineUnits.Of(line, currency, run.First, run.Count)).ToList();
            var lineReason = request.FirstOrDefault(r => r.LineId == line.Id && r.Reason is not null)?.Reason;
            lines.Add(new ChangeOrderLine(line.Id, OrderLineType.Product, -wanted[line.Id], -shares.Sum(s => s.Amount), -shares.Sum(s => s.AdjustmentAmount),
                -shares.Sum(s => s.TaxAmount), lineReason, UnitRanges.Of(taken).ToString()));
        }
        if (reduceShipping)
        {
            foreach (var group in _deliveryGroups.Where(g => g.ProductLines.Any(l => wanted.ContainsKey(l.Id))))
            {
                var nothingKept = group.ProductLines.All(l => l.QuantityNetOrdered - l.QuantityReturned - wanted.GetValueOrDefault(l.Id) == 0);
                foreach (var charge in group.Lines.Where(l => l.Type == OrderLineType.DeliveryCharge))
                {
                    var delta = nothingKept
                        ? new ChangeOrderLine(charge.Id, OrderLineType.DeliveryCharge, 0, -charge.LineAmount, -charge.AdjustmentAmount, -charge.TaxAmount)
                        : DeliveryReduction(group, charge, l => (l.QuantityCanceled, returnedAfter.GetValueOrDefault(l.Id) ?? l.ReturnedUnits), currency);
                    if (delta is not null && (delta.AmountDelta != 0 || delta.AdjustmentDelta != 0 || delta.TaxDelta != 0)) lines.Add(delta);
                }
            }
        }
        lines.AddRange(fees.Select(f => new ChangeOrderLine(null, OrderLineType.Fee, 0, f.Amount, 0m, 0m, f.Type)));
        return new ChangeOrder(changeOrderId, Id, ChangeOrderKind.Return, reason, lines, Taxation, now);
    }

    /// <summary>Takes the units back: the preview's change order, applied. The order's status does not change (domain.md "Statuses").</summary>
    public ChangeOrder Return(string changeOrderId, IReadOnlyList<ReturnRequestLine> request, bool reduceShipping, IReadOnlyList<ReturnFee> fees,
        string? reason, DateTimeOffset now, bool announced = false)
    {
        var change = PreviewReturn(changeOrderId, request, reduceShipping, fees, reason, now, announced);
        var lines = Lines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var delta in change.Lines)
        {
            if (delta.OrderLineId is { } lineId) lines[lineId].Apply(delta, ChangeOrderKind.Return, announced);
            else FeeAmount += delta.AmountDelta;
        }
        UpdatedAt = now;
        Version++;
        _events.Add(new OrderEvent(OrderEventTypes.Changed, "return", Status, Status, reason));
        return change;
    }

    /// <summary>A return order announces units coming back: they count as return-initiated until received or withdrawn.</summary>
    public void AnnounceReturn(IReadOnlyList<ReturnRequestLine> request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wanted = Wanted(request.Select(r => (r.LineId, r.Quantity)).ToList(), "return");
        var byId = ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var (lineId, quantity) in wanted)
        {
            var line = byId[lineId];
            // Every line is checked before any changes: a request that fails changes nothing.
            if (quantity > line.QuantityAvailableToReturn)
                throw new DomainException("quantity_not_returnable",
                    $"Line {line.Reference} ({line.Sku}) has {line.QuantityAvailableToReturn} units that can be returned (shipped, not on a return yet); {quantity} cannot be.");
        }
        foreach (var (lineId, quantity) in wanted) byId[lineId].InitiateReturn(quantity);
        UpdatedAt = now;
        Version++;
    }

    /// <summary>Announced units that will not come back (the return order canceled, or units rejected at receipt).</summary>
    public void WithdrawReturn(IReadOnlyList<(string LineId, int Quantity)> units, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(units);
        var byId = ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var (lineId, quantity) in units.Where(u => u.Quantity > 0))
        {
            if (!byId.TryGetValue(lineId, out var line)) throw new ArgumentException($"The order has no product line '{lineId}'.", nameof(units));
            line.WithdrawReturn(quantity);
        }
        UpdatedAt = now;
        Version++;
    }

    /// <summary>The request's units per product line, checked: at least one line, known lines, whole quantities above zero.</summary>
    private Dictionary<string, int> Wanted(List<(string LineId, int Quantity)> request, string what)
    {
        var errors = new FieldErrors();
        if (request.Count == 0) errors.Add("lines", $"Name at least one line to {what}.");
        var byId = ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Count; i++)
        {
            var (lineId, quantity) = request[i];
            if (!byId.ContainsKey(lineId)) errors.Add($"lines[{i}].lineId", $"The order has no product line '{lineId}'.");
            else if (quantity <= 0) errors.Add($"lines[{i}].quantity", "quantity is a whole number above zero.");
            else wanted[lineId] = wanted.GetValueOrDefault(lineId) + quantity;
        }
        errors.ThrowIfAny();
        return wanted;
    }

    /// <summary>
    /// What these appeasements would do, as a change order, changing nothing (<see cref="Adjust"/> applies the same). Each
    /// takes an amount (negative) or a percentage of what is left of the line — its units neither canceled nor returned — and
    /// never more than that; the tax goes down in the same proportion (rounded half away from zero). The amount is spread
    /// over those units in proportion to what each costs (<see cref="LineUnits"/>), and the change order says how much fell
    /// on units already invoiced (post-fulfillment: a credit memo gives it back) and how much on the rest (pre- and
    /// in-fulfillment: later invoices bill less).
    /// </summary>
    /// <param name="invoicedUnits">Per product line, the units invoiced so far (the first ones: invoices bill from the front).</param>
    public ChangeOrder PreviewAdjust(string changeOrderId, IReadOnlyList<AdjustRequestLine> request, string? reason, DateTimeOffset now,
        IReadOnlyDictionary<string, int> invoicedUnits)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(invoicedUnits);
        EnsureChangeable("adjust");
        var currency = Currency;
        var errors = new FieldErrors();
        if (request.Count == 0) errors.Add("lines", "Name at least one line to adjust.");
        var byId = ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<ChangeOrderLine>();
        for (var i = 0; i < request.Count; i++)
        {
            var item = request[i];
            var path = $"lines[{i}]";
            if (!byId.TryGetValue(item.LineId, out var line)) { errors.Add($"{path}.lineId", $"The order has no product line '{item.LineId}'."); continue; }
            if (!seen.Add(line.Id)) { errors.Add($"{path}.lineId", "A line can be adjusted once a request."); continue; }
            var amount = Appeasement(line.AdjustedAmount, item.Amount, item.Percent, path, errors);
            if (amount is not { } adjustment) continue;
            var kept = KeptUnits(line);
            var tax = line.AdjustedAmount == 0 ? 0m : -currency.Round(line.TaxAmount * -adjustment / line.AdjustedAmount);
            var (unitAdjustments, unitTaxes) = LineUnits.SplitOfNext(line, currency, new UnitAdjustment(adjustment, tax, kept.ToString()));
            var invoiced = Math.Min(invoicedUnits.GetValueOrDefault(line.Id), line.QuantityOrdered);
            // Post-fulfillment (invoiced) units first, then the rest: each part with the units it fell on.
            foreach (var (billed, units) in new[] { (true, kept.Below(invoiced)), (false, kept.From(invoiced)) })
            {
                if (units.Count == 0) continue;
                var unitList = units.Runs.SelectMany(r => Enumerable.Range(r.First, r.Count)).ToList();
                var partAdjustment = currency.FromMinor(unitList.Sum(u => unitAdjustments[u]));
                var partTax = currency.FromMinor(unitList.Sum(u => unitTaxes[u]));
                if (partAdjustment == 0 && partTax == 0) continue;
                lines.Add(new ChangeOrderLine(line.Id, OrderLineType.Product, 0, 0m, partAdjustment, partTax, item.Reason, units.ToString(), Invoiced: billed));
            }
        }
        errors.ThrowIfAny();
        return new ChangeOrder(changeOrderId, Id, ChangeOrderKind.Adjustment, reason, lines, Taxation, now);
    }

    /// <summary>Applies the appeasements: the preview's change order, applied.</summary>
    public ChangeOrder Adjust(string changeOrderId, IReadOnlyList<AdjustRequestLine> request, string? reason, DateTimeOffset now,
        IReadOnlyDictionary<string, int> invoicedUnits) =>
        ApplyAdjustment(PreviewAdjust(changeOrderId, request, reason, now, invoicedUnits), now);

    /// <summary>
    /// What an appeasement on a delivery group's charge would do (an amount, negative, at most what is left of the charge;
    /// its tax in the same proportion), changing nothing.
    /// </summary>
    public ChangeOrder PreviewAdjustDelivery(string changeOrderId, string deliveryGroupId, decimal? amount, string? reason, DateTimeOffset now)
    {
        EnsureChangeable("adjust");
        var errors = new FieldErrors();
        var group = _deliveryGroups.FirstOrDefault(g => g.Id == deliveryGroupId);
        var charge = group?.Lines.FirstOrDefault(l => l.Type == OrderLineType.DeliveryCharge);
        if (group is null) errors.Add("deliveryGroupId", $"The order has no delivery group '{deliveryGroupId}'.");
        else if (charge is null) errors.Add("deliveryGroupId", "The delivery group has no delivery charge to adjust.");
        var adjustment = charge is null ? null : Appeasement(charge.AdjustedAmount, amount, null, "", errors);
        errors.ThrowIfAny();
        var tax = charge!.AdjustedAmount == 0 ? 0m : -Currency.Round(charge.TaxAmount * -adjustment!.Value / charge.AdjustedAmount);
        return new ChangeOrder(changeOrderId, Id, ChangeOrderKind.Adjustment, reason,
            [new ChangeOrderLine(charge.Id, OrderLineType.DeliveryCharge, 0, 0m, adjustment!.Value, tax, reason)], Taxation, now);
    }

    /// <summary>Applies the delivery appeasement: the preview's change order, applied.</summary>
    public ChangeOrder AdjustDelivery(string changeOrderId, string deliveryGroupId, decimal? amount, string? reason, DateTimeOffset now) =>
        ApplyAdjustment(PreviewAdjustDelivery(changeOrderId, deliveryGroupId, amount, reason, now), now);

    private ChangeOrder ApplyAdjustment(ChangeOrder change, DateTimeOffset now)
    {
        var lines = Lines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        // The parts of one line's appeasement go on as one: the units they fell on were split together.
        foreach (var perLine in change.Lines.GroupBy(l => l.OrderLineId!))
        {
            var parts = perLine.ToList();
            var units = parts.Aggregate(UnitRanges.Empty, (all, p) => all.With(UnitRanges.Parse(p.Units)));
            lines[perLine.Key].Apply(parts[0] with
            {
                AdjustmentDelta = parts.Sum(p => p.AdjustmentDelta), TaxDelta = parts.Sum(p => p.TaxDelta), Units = units.ToString(),
            }, ChangeOrderKind.Adjustment);
        }
        UpdatedAt = now;
        Version++;
        _events.Add(new OrderEvent(OrderEventTypes.Changed, "adjust", Status, Status, change.Reason));
        return change;
    }

    /// <summary>
    /// An appeasement's amount: <paramref name="amount"/> (negative, the currency's decimals) or <paramref name="percent"/>
    /// (above 0, at most 100) of <paramref name="left"/>, rounded half away from zero — never more than is left.
    /// </summary>
    private decimal? Appeasement(decimal left, decimal? amount, decimal? percent, string path, FieldErrors errors)
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        if (amount is null == percent is null)
        {
            errors.Add($"{prefix}amount", "Give an amount (negative) or a percent, not both.");
            return null;
        }
        if (left <= 0)
        {
            errors.Add($"{prefix}{(amount is null ? "percent" : "amount")}", "Nothing is left of it to take off.");
            return null;
        }
        if (percent is { } p)
        {
            if (p <= 0 || p > 100) { errors.Add($"{prefix}percent", "percent is above 0 and at most 100."); return null; }
            return -Currency.Round(left * p / 100m);
        }
        var value = amount!.Value;
        if (value >= 0) errors.Add($"{prefix}amount", "amount is negative: what is taken off.");
        else if (!Currency.Allows(value)) errors.Add($"{prefix}amount", $"{CurrencyCode} amounts have at most {Currency.MinorUnits} decimals.");
        else if (-value > left) errors.Add($"{prefix}amount", $"{-value} is more than is left of it ({Currency.Normalize(left)} {CurrencyCode}).");
        else return value;
        return null;
    }

    /// <summary>The line's units neither canceled (the last ones) nor returned: what an appeasement can still lower.</summary>
    private static UnitRanges KeptUnits(OrderLine line)
    {
        var net = UnitRanges.Of([new UnitRun(0, line.QuantityNetOrdered)]);
        return net.Without(line.ReturnedUnits);
    }

    /// <summary>A closed or canceled order takes no change but returns.</summary>
    private void EnsureChangeable(string action)
    {
        if (Status is OrderStatus.Canceled) throw new InvalidTransitionException("order", StatusNames.Of(Status), action);
    }
}
