using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Payments;

public enum InvoiceStatus
{
    Open,
    /// <summary>Balance 0.</summary>
    Paid,
    /// <summary>Ensure-funds could not cover the balance; a later ensure-funds (a new authorization) can still pay it.</summary>
    Failed,
}

public static class InvoiceEventTypes
{
    public const string Created = "invoice.created";
    public const string Paid = "invoice.paid";
}

/// <summary>
/// What was billed (domain.md "Payments", api.md "Payments, invoices, credit memos"): a shipment's units of each line —
/// the next units from the front of the line (<see cref="LineUnits"/>) — and the whole delivery charge of a group on the
/// group's first invoice. Funds are applied to it until its balance is 0.
/// </summary>
public sealed class Invoice
{
    private List<InvoiceLine> _lines = [];
    private readonly List<string> _events = [];

    private Invoice() { }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public string? ShipmentId { get; private set; }
    public string? ChangeOrderId { get; private set; }
    public InvoiceStatus Status { get; private set; }
    public string CurrencyCode { get; private set; } = "";
    public decimal TotalAmount { get; private set; }
    /// <summary>Funds applied so far: captured for it, or taken from the order's unapplied balance.</summary>
    public decimal PaidAmount { get; private set; }
    public decimal Balance => TotalAmount - PaidAmount;
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<InvoiceLine> Lines => _lines;
    /// <summary>Event types raised since load (<see cref="InvoiceEventTypes"/>), oldest first.</summary>
    public IReadOnlyList<string> Events => _events;

    /// <summary>
    /// The invoice of a shipment. <paramref name="invoicedUnits"/> counts, per order line, the units earlier invoices
    /// billed (so this one starts after them); a delivery-charge line found there was billed already.
    /// </summary>
    public static Invoice ForShipment(string id, Order order, string shipmentId, IEnumerable<(string OrderLineId, int Quantity)> shipped,
        IReadOnlyDictionary<string, int> invoicedUnits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shipped);
        ArgumentNullException.ThrowIfNull(invoicedUnits);
        var currency = order.Currency;
        var invoice = New(id, order, now);
        invoice.ShipmentId = shipmentId;
        var lines = order.Lines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (orderLineId, quantity) in shipped.GroupBy(s => s.OrderLineId).Select(g => (g.Key, g.Sum(s => s.Quantity))))
        {
            var line = lines.GetValueOrDefault(orderLineId)
                ?? throw new ArgumentException($"The order has no line '{orderLineId}'.", nameof(shipped));
            var first = invoicedUnits.GetValueOrDefault(orderLineId);
            if (first + quantity > line.QuantityOrdered)
                throw new DomainException("quantity_exceeds_remaining",
                    $"Line {line.Reference} has {line.QuantityOrdered - first} units left to invoice; {quantity} cannot be invoiced.");
            invoice.Add(line, first, quantity, order.Taxation, currency);
            groups.Add(line.DeliveryGroupId);
        }
        // A group's whole delivery charge goes on its first invoice (api.md).
        foreach (var group in order.DeliveryGroups.Where(g => groups.Contains(g.Id)))
        {
            foreach (var charge in group.Lines.Where(l => l.Type == OrderLineType.DeliveryCharge && !invoicedUnits.ContainsKey(l.Id)))
                invoice.AddDeliveryCharge(charge, order.Taxation, currency);
        }
        invoice.TotalAmount = currency.Normalize(invoice._lines.Sum(l => l.TotalAmount));
        invoice.Status = invoice.TotalAmount == 0 ? InvoiceStatus.Paid : InvoiceStatus.Open;
        invoice._events.Add(InvoiceEventTypes.Created);
        if (invoice.Status == InvoiceStatus.Paid) invoice._events.Add(InvoiceEventTypes.Paid);
        return invoice;
    }

    /// <summary>
    /// The invoice of a change that leaves the customer owing (its fees exceed what it gives back), or null when it does
    /// not: the fee lines, and what comes back as negative lines — the same lines its credit memo would have had, with the
    /// sign of what is owed. Its lines bill no units (<see cref="InvoiceLine.FirstUnit"/> −1).
    /// </summary>
    public static Invoice? ForChange(string id, Order order, ChangeOrder change, IReadOnlySet<string> billedCharges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(billedCharges);
        var currency = order.Currency;
        var invoice = New(id, order, now);
        invoice.ChangeOrderId = change.Id;
        foreach (var line in CreditMemo.BilledLinesOf(change, billedCharges))
        {
            invoice._lines.Add(new InvoiceLine(id, invoice._lines.Count, line.OrderLineId, line.Type, InvoiceLine.NoUnits, -line.QuantityDelta,
                currency.Normalize(line.AmountDelta), currency.Normalize(line.AdjustmentDelta), currency.Normalize(line.TaxDelta),
                currency.Normalize(line.TotalDelta(order.Taxation))));
        }
        invoice.TotalAmount = currency.Normalize(invoice._lines.Sum(l => l.TotalAmount));
        if (invoice.TotalAmount <= 0) return null;
        invoice.Status = InvoiceStatus.Open;
        invoice._events.Add(InvoiceEventTypes.Created);
        return invoice;
    }

    /// <summary>Ensure-funds may work on it: not paid yet (a failed invoice can still be paid by a later try).</summary>
    public void EnsureFundsAllowed()
    {
        if (Status == InvoiceStatus.Paid)
            throw new InvalidTransitionException("invoice", StatusNames.Of(Status), "ensure_funds");
    }

    /// <summary>Applies funds (a capture for it, or the order's unapplied balance); paid when the balance reaches 0.</summary>
    public void Apply(decimal amount, DateTimeOffset now)
    {
        if (amount <= 0 || amount > Balance)
            throw new ArgumentOutOfRangeException(nameof(amount), $"{amount} cannot be applied to a balance of {Balance}.");
        PaidAmount += amount;
        Touch(now);
        if (Balance == 0)
        {
            Status = InvoiceStatus.Paid;
            _events.Add(InvoiceEventTypes.Paid);
        }
    }

    /// <summary>The payments could not cover the balance: failed, with what is left.</summary>
    public void Fail(DateTimeOffset now)
    {
        if (Status == InvoiceStatus.Paid) throw new InvalidTransitionException("invoice", StatusNames.Of(Status), "fail");
        Status = InvoiceStatus.Failed;
        Touch(now);
    }

    public void ClearEvents() => _events.Clear();

    /// <summary>EF Core loads children unordered.</summary>
    public void RestoreOrder() => _lines.Sort((a, b) => a.Position.CompareTo(b.Position));

    private static Invoice New(string id, Order order, DateTimeOffset now) => new()
    {
        Id = id, OrderId = order.Id, CurrencyCode = order.CurrencyCode, Version = 1, CreatedAt = now, UpdatedAt = now,
    };

    private void Add(OrderLine line, int firstUnit, int quantity, Taxation taxation, Currency currency)
    {
        var share = LineUnits.Of(line, currency, firstUnit, quantity);
        _lines.Add(new InvoiceLine(Id, _lines.Count, line.Id, line.Type, firstUnit, quantity, share.Amount, share.AdjustmentAmount, share.TaxAmount,
            currency.Normalize(share.TotalAmount(taxation))));
    }

    /// <summary>The delivery charge as it is now: a cancel with <c>reduceShipping</c> before it was billed has reduced it.</summary>
    private void AddDeliveryCharge(OrderLine charge, Taxation taxation, Currency currency) =>
        _lines.Add(new InvoiceLine(Id, _lines.Count, charge.Id, charge.Type, 0, charge.QuantityOrdered, currency.Normalize(charge.LineAmount),
            currency.Normalize(charge.AdjustmentAmount), currency.Normalize(charge.TaxAmount), currency.Normalize(charge.TotalAmount(taxation))));

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <param name="OrderLineId">The order line billed; null for a fee.</param>
/// <param name="FirstUnit">
/// The line's first unit this invoice bills (units are counted from the front of the line); <see cref="NoUnits"/> on a
/// change's invoice, whose lines bill fees and take back credits rather than units.
/// </param>
public sealed record InvoiceLine(
    string InvoiceId, int Position, string? OrderLineId, OrderLineType Type, int FirstUnit, int Quantity,
    decimal Amount, decimal AdjustmentAmount, decimal TaxAmount, decimal TotalAmount)
{
    public const int NoUnits = -1;
}
