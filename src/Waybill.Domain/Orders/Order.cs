using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>The managed order (Salesforce's "order summary"): what was captured, and everything that happened since.</summary>
public sealed partial class Order
{
    private List<DeliveryGroup> _deliveryGroups = [];
    private List<PaymentSummary> _payments = [];
    private List<OrderAdjustment> _orderAdjustments = [];
    private readonly List<OrderEvent> _events = [];

    private Order() { }

    public string Id { get; private set; } = "";
    public string OrderNumber { get; private set; } = "";
    public string Channel { get; private set; } = "";
    public string ExternalReference { get; private set; } = "";
    public OrderStatus Status { get; private set; }
    /// <summary>Where release-hold returns to.</summary>
    public OrderStatus? StatusBeforeHold { get; private set; }
    public int Version { get; private set; }
    public string CurrencyCode { get; private set; } = "";
    public Taxation Taxation { get; private set; }
    public DateTimeOffset OrderedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public string CustomerId { get; private set; } = "";
    /// <summary>Who handed the order over (an API key id), when known.</summary>
    public string? CapturedBy { get; private set; }
    public Address? BillingAddress { get; private set; }
    /// <summary>The reservation holding the order's stock since capture (null until stock was asked for).</summary>
    public string? ReservationId { get; private set; }
    /// <summary>For an exchange order (channel <c>exchange</c>), the order whose returned units pay for it.</summary>
    public string? OriginalOrderId { get; private set; }

    /// <summary>
    /// Captured money not applied to an invoice nor refunded yet (domain.md "Payments"): captured at checkout, or more
    /// than the invoices needed. Ensure-funds uses it before capturing anything; it is stored, not derived, so the money
    /// invariant <c>Σ captured − Σ refunded = Σ invoices paid − Σ credit memos refunded + unapplied</c> checks every
    /// operation that moves money.
    /// </summary>
    public decimal UnappliedPaymentAmount { get; private set; }

    /// <summary>Fees change orders charged (restocking, return shipping): they add to the grand total, on no line.</summary>
    public decimal FeeAmount { get; private set; }

    public Currency Currency => Currency.Of(CurrencyCode);
    public IReadOnlyList<DeliveryGroup> DeliveryGroups => _deliveryGroups;
    public IReadOnlyList<PaymentSummary> Payments => _payments;
    public IReadOnlyList<OrderAdjustment> OrderAdjustments => _orderAdjustments;
    public IEnumerable<OrderLine> Lines => _deliveryGroups.SelectMany(g => g.Lines);
    public IEnumerable<OrderLine> ProductLines => _deliveryGroups.SelectMany(g => g.ProductLines);

    public OrderTotals Totals => OrderTotals.Of(Lines, Taxation, FeeAmount);

    public PaymentStatus PaymentStatus
    {
        get
        {
            if (_payments.Count == 0) return PaymentStatus.None;
            var captured = _payments.Sum(p => p.CapturedAmount);
            var refunded = _payments.Sum(p => p.RefundedAmount);
            var net = captured - refunded;
            if (refunded > 0) return net == 0 ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
            if (captured == 0) return PaymentStatus.Authorized;
            return net >= Totals.GrandTotalAmount ? PaymentStatus.Paid : PaymentStatus.PartiallyPaid;
        }
    }

    /// <summary>Events raised since the order was loaded, oldest first; the caller writes them to the outbox.</summary>
    public IReadOnlyList<OrderEvent> Events => _events;

    /// <summary>
    /// Captures an order from a channel: checks the money rules, spreads order-level adjustments over the product
    /// lines by the largest remainder method and computes every total. Throws <see cref="DomainValidationException"/>
    /// naming the request field that breaks a rule.
    /// </summary>
    public static Order Capture(OrderDraft draft, string orderNumber, string customerId, IIdGenerator ids, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(ids);
        var errors = new FieldErrors();
        CaptureRules.Check(draft, errors);
        errors.ThrowIfAny();

        var order = new Order
        {
            Id = ids.NewId(),
            OrderNumber = orderNumber,
            Channel = draft.Channel,
            ExternalReference = draft.ExternalReference,
            Status = OrderStatus.Created,
            Version = 1,
            CurrencyCode = draft.Currency.Code,
            Taxation = draft.Taxation,
            OrderedAt = draft.OrderedAt,
            CreatedAt = now,
            UpdatedAt = now,
            CustomerId = customerId,
            CapturedBy = draft.CapturedBy,
            OriginalOrderId = draft.OriginalOrderId,
            BillingAddress = draft.BillingAddress,
        };

        for (var g = 0; g < draft.DeliveryGroups.Count; g++)
        {
            var groupDraft = draft.DeliveryGroups[g];
            var group = new DeliveryGroup(ids.NewId(), order.Id, groupDraft.Reference, groupDraft.DeliveryMethod, groupDraft.ShippingAddress, g);
            foreach (var line in groupDraft.Lines)
            {
                group.Add(new OrderLine(
                    ids.NewId(), line.Reference, OrderLineType.Product, line.Sku, line.Name, line.Quantity, line.UnitPrice,
                    line.Adjustments.Select(a => new LineAdjustment(a.Reference, a.Description, a.Amount, AdjustmentSource.Line)),
                    line.Taxes.Select(t => new LineTax(t.Name, t.Rate, t.Amount))));
            }
            var charge = groupDraft.DeliveryCharge;
            group.Add(new OrderLine(
                ids.NewId(), groupDraft.Reference + ":delivery", OrderLineType.DeliveryCharge, null,
                "Delivery " + groupDraft.DeliveryMethod.Code, 1, charge.Amount,
                charge.Adjustments.Select(a => new LineAdjustment(a.Reference, a.Description, a.Amount, AdjustmentSource.Line)),
                charge.TaxAmount == 0 ? [] : [new LineTax("Delivery tax", null, charge.TaxAmount)]));
            order._deliveryGroups.Add(group);
        }

        order.SpreadOrderAdjustments(draft.OrderAdjustments, errors);
        errors.ThrowIfAny();

        for (var p = 0; p < draft.Payments.Count; p++)
            order._payments.Add(new PaymentSummary(ids.NewId(), draft.Payments[p], p));
        order.UnappliedPaymentAmount = draft.Payments.Sum(p => p.CapturedAmount);

        order._events.Add(new OrderEvent(OrderEventTypes.Created, "capture", null, OrderStatus.Created, null));
        return order;
    }

    public void Approve(DateTimeOffset now)
    {
        OrderTransitions.EnsureAllowed(OrderTransitions.Approve, Status);
        var previous = Status;
        StatusBeforeHold = null;
        MoveTo(OrderStatus.Approved, now);
        _events.Add(new OrderEvent(OrderEventTypes.Approved, OrderTransitions.Approve, previous, Status, null));
        _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, OrderTransitions.Approve, previous, Status, null));
    }

    public void Hold(string reason, DateTimeOffset now)
    {
        OrderTransitions.EnsureAllowed(OrderTransitions.Hold, Status);
        var previous = Status;
        StatusBeforeHold = previous;
        MoveTo(OrderStatus.OnHold, now);
        _events.Add(new OrderEvent(OrderEventTypes.Held, OrderTransitions.Hold, previous, Status, reason));
        _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, OrderTransitions.Hold, previous, Status, reason));
    }

    public void ReleaseHold(string? reason, DateTimeOffset now)
    {
        OrderTransitions.EnsureAllowed(OrderTransitions.ReleaseHold, Status);
        var previous = Status;
        var back = StatusBeforeHold ?? OrderStatus.Created;
        StatusBeforeHold = null;
        MoveTo(back, now);
        _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, OrderTransitions.ReleaseHold, previous, Status, reason));
    }

    /// <summary>Product lines routing sends to locations: those of shipped and pickup groups (digital groups hold no stock).</summary>
    public IEnumerable<OrderLine> RoutableLines =>
        _deliveryGroups.Where(g => g.DeliveryMethod.Type != DeliveryMethodType.Digital).SelectMany(g => g.ProductLines);

    /// <summary>Throws invalid_transition unless the order may be routed now and has quantity left to route.</summary>
    public void EnsureRoutable()
    {
        OrderTransitions.EnsureAllowed(OrderTransitions.Route, Status);
        if (!RoutableLines.Any(l => l.QuantityAvailableToFulfill > 0))
            throw new InvalidTransitionException("order", StatusNames.Of(Status) + " with nothing left to route", OrderTransitions.Route);
    }

    /// <summary>
    /// Records a routing attempt's result: each allocation raises its line's allocated quantity; the order waits to be
    /// fulfilled when nothing routable is left unallocated, and is backordered otherwise.
    /// </summary>
    public void RecordRouting(IReadOnlyList<(string LineId, int Quantity)> allocations, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(allocations);
        EnsureRoutable();
        foreach (var (lineId, quantity) in allocations)
        {
            var line = RoutableLines.FirstOrDefault(l => l.Id == lineId)
                ?? throw new ArgumentException($"The order has no routable line '{lineId}'.", nameof(allocations));
            line.Allocate(quantity);
        }
        var previous = Status;
        var shortNow = RoutableLines.Any(l => l.QuantityAvailableToFulfill > 0);
        var shippedBefore = RoutableLines.Any(l => l.QuantityFulfilled > 0);
        MoveTo(shortNow ? OrderStatus.Backordered : shippedBefore ? OrderStatus.PartiallyFulfilled : OrderStatus.WaitingToFulfill, now);
        if (allocations.Count > 0) _events.Add(new OrderEvent(OrderEventTypes.Routed, OrderTransitions.Route, previous, Status, reason));
        if (shortNow) _events.Add(new OrderEvent(OrderEventTypes.Backordered, OrderTransitions.Route, previous, Status, reason));
        if (previous != Status) _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, OrderTransitions.Route, previous, Status, reason));
    }

    /// <summary>A fulfillment order gave quantity of a line back (rejected or canceled there): it is unallocated, to be canceled or routed again.</summary>
    public void ReturnAllocation(string lineId, int quantity, DateTimeOffset now)
    {
        var line = RoutableLines.FirstOrDefault(l => l.Id == lineId)
            ?? throw new ArgumentException($"The order has no routable line '{lineId}'.", nameof(lineId));
        line.Deallocate(quantity);
        UpdatedAt = now;
        Version++;
    }

    /// <summary>
    /// Records shipped (or picked-up) quantities of order lines. The order is <c>fulfilled</c> once every routable line
    /// shipped its net ordered quantity; until then <c>partially_fulfilled</c> — except that a backordered order stays
    /// <c>backordered</c> while quantity is still waiting for stock (domain.md "Routing": backordered also when partly
    /// fulfilled), so the backorder retries and the stock-arrival flow still find it.
    /// </summary>
    public void RecordShipment(IReadOnlyList<(string LineId, int Quantity)> shipped, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        OrderTransitions.EnsureAllowed(OrderTransitions.Ship, Status);
        foreach (var (lineId, quantity) in shipped)
        {
            var line = RoutableLines.FirstOrDefault(l => l.Id == lineId)
                ?? throw new ArgumentException($"The order has no routable line '{lineId}'.", nameof(shipped));
            line.Fulfill(quantity);
        }
        var previous = Status;
        var routable = RoutableLines.Where(l => l.QuantityNetOrdered > 0).ToList();
        var status = routable.All(l => l.QuantityFulfilled == l.QuantityNetOrdered) ? OrderStatus.Fulfilled
            : previous == OrderStatus.Backordered && routable.Any(l => l.QuantityAvailableToFulfill > 0) ? OrderStatus.Backordered
            : OrderStatus.PartiallyFulfilled;
        MoveTo(status, now);
        if (previous != Status) _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, OrderTransitions.Ship, previous, Status, null));
    }

    /// <summary>
    /// Nothing more will be invoiced: every unit shipped (or the order is closed or canceled). Money captured beyond the
    /// invoices then is excess, owed back (ensure-refunds).
    /// </summary>
    public bool NothingLeftToInvoice => Status is OrderStatus.Fulfilled or OrderStatus.Closed or OrderStatus.Canceled;

    /// <summary>
    /// Captured money the order no longer needs (domain.md "Payments": excess funds): the unapplied balance beyond what is
    /// still to be paid — the grand total less what invoices were paid net of what credit memos give back
    /// (<paramref name="invoicesPaid"/>), given the grand total it would have (<paramref name="grandTotal"/>; by default the
    /// current one).
    /// </summary>
    public decimal ExcessFunds(decimal invoicesPaid, decimal? grandTotal = null) =>
        Math.Max(0m, UnappliedPaymentAmount - Math.Max(0m, (grandTotal ?? Totals.GrandTotalAmount) - invoicesPaid));

    /// <summary>A further authorization (the customer paid the rest, a new card after a decline); what it captured already is unapplied.</summary>
    public PaymentSummary AddPayment(string id, PaymentDraft draft, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        // A closed or canceled order has nothing left to pay for.
        if (Status is OrderStatus.Closed or OrderStatus.Canceled) throw new InvalidTransitionException("order", StatusNames.Of(Status), "add a payment to");
        var errors = new FieldErrors();
        CaptureRules.CheckPayment(Currency, draft, "", errors);
        errors.ThrowIfAny();
        var payment = new PaymentSummary(id, draft, _payments.Count == 0 ? 0 : _payments.Max(p => p.Position) + 1);
        _payments.Add(payment);
        UnappliedPaymentAmount += draft.CapturedAmount;
        UpdatedAt = now;
        Version++;
        return payment;
    }

    public PaymentSummary Payment(string paymentId) =>
        _payments.FirstOrDefault(p => p.Id == paymentId) ?? throw new ArgumentException($"The order has no payment '{paymentId}'.", nameof(paymentId));

    /// <summary>The gateway captured from one of the order's payments; what the invoice it was for does not take stays unapplied.</summary>
    public void RecordCapture(string paymentId, decimal amount, decimal appliedToInvoice)
    {
        if (appliedToInvoice < 0 || appliedToInvoice > amount) throw new ArgumentOutOfRangeException(nameof(appliedToInvoice));
        Payment(paymentId).RecordCapture(amount);
        UnappliedPaymentAmount += amount - appliedToInvoice;
        BillingChanged();
    }

    /// <summary>Takes <paramref name="amount"/> of the unapplied balance for an invoice.</summary>
    public void ApplyUnapplied(decimal amount)
    {
        if (amount <= 0 || amount > UnappliedPaymentAmount)
            throw new ArgumentOutOfRangeException(nameof(amount), $"{amount} cannot be taken from an unapplied balance of {UnappliedPaymentAmount}.");
        UnappliedPaymentAmount -= amount;
        BillingChanged();
    }

    /// <summary>
    /// The gateway refunded from one of the order's payments: for a credit memo (<paramref name="forCreditMemo"/>), or
    /// out of the unapplied balance (excess funds).
    /// </summary>
    public void RecordRefund(string paymentId, decimal amount, bool forCreditMemo)
    {
        if (!forCreditMemo && amount > UnappliedPaymentAmount)
            throw new DomainException("amount_exceeds_available", $"The order has {UnappliedPaymentAmount} of excess funds; {amount} cannot be refunded from them.");
        Payment(paymentId).RecordRefund(amount);
        if (!forCreditMemo) UnappliedPaymentAmount -= amount;
        BillingChanged();
    }

    /// <summary>The gateway voided what is left of an authorization (nothing more will be captured from it).</summary>
    public void RecordReversal(string paymentId, decimal amount)
    {
        Payment(paymentId).RecordReversal(amount);
        BillingChanged();
    }

    /// <summary>
    /// Something was invoiced, paid, refunded or released: what a change would credit or refund now differs, so the order
    /// is a new version — a preview answered for the old one is not submitted against the new one (<c>If-Match</c>).
    /// </summary>
    public void BillingChanged() => Version++;

    /// <summary>
    /// Closes a fulfilled order once its money is settled: captured − refunded = grand total (paid, excess refunded; or
    /// nothing to pay). Otherwise <c>invalid_transition</c> naming what is still open.
    /// </summary>
    /// <param name="billingSettled">Every shipment invoiced and every invoice paid (the caller knows the invoices).</param>
    public void Close(bool billingSettled, DateTimeOffset now)
    {
        OrderTransitions.EnsureAllowed(OrderTransitions.Close, Status);
        if (!billingSettled)
            throw new InvalidTransitionException("order", $"{StatusNames.Of(Status)} with an invoice still to create or pay", OrderTransitions.Close);
        // Settled: what was captured and kept is the grand total — paid, with any excess refunded (a refund of excess funds
        // makes the status partially_refunded, yet nothing is owed either way), or all of it refunded after changes.
        var settled = _payments.Sum(p => p.CapturedAmount - p.RefundedAmount) == Totals.GrandTotalAmount;
        if (!settled)
            throw new InvalidTransitionException("order", $"{StatusNames.Of(Status)} and {StatusNames.Of(PaymentStatus)}", OrderTransitions.Close);
        var previous = Status;
        MoveTo(OrderStatus.Closed, now);
        _events.Add(new OrderEvent(OrderEventTypes.Closed, OrderTransitions.Close, previous, Status, null));
        _events.Add(new OrderEvent(OrderEventTypes.StatusChanged, OrderTransitions.Close, previous, Status, null));
    }

    /// <summary>The reservation routing holds the order's stock in, when capture held none (nothing was in stock then).</summary>
    public void UseReservation(string reservationId)
    {
        ReservationId = reservationId;
    }

    /// <summary>True when <c>If-Match</c> named this version (or nothing).</summary>
    public void ClearEvents() => _events.Clear();

    /// <summary>
    /// The stock the order needs held at capture, per SKU and place: a pickup group at its pickup location, a shipped
    /// group at the channel's location group; digital groups hold none.
    /// </summary>
    public IReadOnlyList<Inventory.HeldStock> StockToReserve(string channelGroup) =>
        StockNeeds(channelGroup)
            .GroupBy(n => (n.Line.Sku!, n.Target))
            .Select(g => new Inventory.HeldStock(g.Key.Item1, g.Key.Target, g.Sum(n => n.Line.QuantityOrdered)))
            .ToList();

    /// <summary>
    /// Records what the capture's reservation holds: each product line, in request order, is given its share of what was
    /// held for its SKU and place, so the quantity left short is on the lines that came last.
    /// </summary>
    public void RecordReservation(string? reservationId, string channelGroup, IReadOnlyList<Inventory.HeldStock> held)
    {
        ReservationId = reservationId;
        var left = held.GroupBy(h => (h.Sku, h.Target)).ToDictionary(g => g.Key, g => g.Sum(h => h.Quantity));
        foreach (var (line, target) in StockNeeds(channelGroup))
        {
            var key = (line.Sku!, target);
            var share = Math.Min(left.GetValueOrDefault(key), line.QuantityOrdered);
            line.RecordReserved(share);
            left[key] = left.GetValueOrDefault(key) - share;
        }
    }

    /// <summary>
    /// Units of a SKU not yet allocated on the lines whose stock waits at <paramref name="target"/> until routing: a group
    /// holds it for the shipped groups (whichever group the channel sold from at capture), a store for its pickup groups.
    /// </summary>
    public int UnallocatedAt(string sku, Inventory.StockTarget target) =>
        (from g in _deliveryGroups
         where target.Kind == Inventory.TargetKind.Group
             ? g.DeliveryMethod.Type == DeliveryMethodType.Ship
             : g.DeliveryMethod.Type == DeliveryMethodType.Pickup && g.DeliveryMethod.LocationCode == target.Code
         from line in g.ProductLines
         where line.Sku == sku
         select line.QuantityAvailableToFulfill).Sum();

    private IEnumerable<(OrderLine Line, Inventory.StockTarget Target)> StockNeeds(string channelGroup) =>
        from g in _deliveryGroups
        where g.DeliveryMethod.Type != DeliveryMethodType.Digital
        let target = g.DeliveryMethod.Type == DeliveryMethodType.Pickup && g.DeliveryMethod.LocationCode is { } store
            ? Inventory.StockTarget.Location(store)
            : Inventory.StockTarget.Group(channelGroup)
        from line in g.ProductLines
        select (line, target);

    /// <summary>EF Core loads children unordered; the model's proration tie-breaks need request order back.</summary>
    public void RestoreRequestOrder()
    {
        _deliveryGroups.Sort((a, b) => a.Position.CompareTo(b.Position));
        foreach (var group in _deliveryGroups) group.SortLines();
        _payments.Sort((a, b) => a.Position.CompareTo(b.Position));
    }

    private void MoveTo(OrderStatus status, DateTimeOffset now)
    {
        Status = status;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>
    /// Each order-level adjustment is spread over every product line (groups in request order, then lines) in
    /// proportion to the line's amount after its own adjustments. The adjustments are split cumulatively — the k-th
    /// one's shares are split(first k) − split(first k−1) — so the rounding of several adjustments never piles onto
    /// one line: each line's total share is the split of their sum, which never exceeds the line when the sum does not.
    /// </summary>
    private void SpreadOrderAdjustments(IReadOnlyList<AdjustmentDraft> adjustments, FieldErrors errors)
    {
        var lines = ProductLines.ToList();
        var currency = Currency.Of(CurrencyCode);
        var weights = lines.Select(l => currency.ToMinor(l.AdjustedAmount)).ToArray();
        var available = weights.Sum();
        long cumulative = 0;
        var before = new long[lines.Count];
        for (var i = 0; i < adjustments.Count; i++)
        {
            var adjustment = adjustments[i];
            _orderAdjustments.Add(new OrderAdjustment(adjustment.Reference, adjustment.Description, adjustment.Amount));
            var whole = currency.ToMinor(adjustment.Amount);
            if (-(cumulative + whole) > available)
            {
                errors.Add($"orderAdjustments[{i}].amount", "The order adjustments are larger than the order's product lines after their own adjustments.");
                return;
            }
            cumulative += whole;
            var after = Proration.Split(cumulative, weights);
            for (var l = 0; l < lines.Count; l++)
            {
                var share = after[l] - before[l];
                if (share != 0)
                    lines[l].AddOrderAdjustmentShare(new LineAdjustment(adjustment.Reference, adjustment.Description, currency.FromMinor(share), AdjustmentSource.OrderShare));
            }
            before = after;
        }

        // Under gross taxation a line's tax is included in what it finally costs, order-level share and all.
        if (Taxation == Taxation.Gross)
        {
            foreach (var line in lines)
            {
                if (line.TaxAmount > line.AdjustedAmount)
                    errors.Add(LinePath(line), "Under gross taxation the included tax cannot exceed the line's amount after every adjustment.");
            }
        }
    }

    private string LinePath(OrderLine line)
    {
        var g = _deliveryGroups.FindIndex(x => x.Id == line.DeliveryGroupId);
        var l = _deliveryGroups[g].ProductLines.ToList().FindIndex(x => x.Id == line.Id);
        return $"deliveryGroups[{g}].lines[{l}].taxes";
    }
}

public sealed record OrderAdjustment(string? Reference, string? Description, decimal Amount);
