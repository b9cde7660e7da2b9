using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>A product line or a delivery-charge line. Stored counters, derived quantities (domain.md "Order line quantities").</summary>
public sealed class OrderLine
{
    private List<LineAdjustment> _adjustments = [];
    private List<LineTax> _taxes = [];
    private List<UnitAdjustment> _appeasements = [];

    private OrderLine() { }

    internal OrderLine(
        string id, string reference, OrderLineType type, string? sku, string name, int quantity, decimal unitPrice,
        IEnumerable<LineAdjustment> adjustments, IEnumerable<LineTax> taxes)
    {
        Id = id;
        Reference = reference;
        Type = type;
        Sku = sku;
        Name = name;
        QuantityOrdered = quantity;
        UnitPrice = unitPrice;
        OriginalLineAmount = unitPrice * quantity;
        _adjustments = [.. adjustments];
        _taxes = [.. taxes];
    }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public string DeliveryGroupId { get; private set; } = "";
    public string Reference { get; private set; } = "";
    public OrderLineType Type { get; private set; }
    public string? Sku { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>Keeps lines in request order, which proration's tie-break depends on.</summary>
    public int Position { get; private set; }

    public int QuantityOrdered { get; private set; }
    public int QuantityCanceled { get; private set; }
    public int QuantityAllocated { get; private set; }
    public int QuantityFulfilled { get; private set; }
    public int QuantityReturnInitiated { get; private set; }
    public int QuantityReturned { get; private set; }
    /// <summary>
    /// Which units came back (<see cref="UnitRanges"/> text): returns take the most recently shipped units not yet returned,
    /// and a credit memo credits exactly their unit shares.
    /// </summary>
    public string ReturnedUnitRuns { get; private set; } = "";
    public UnitRanges ReturnedUnits => UnitRanges.Parse(ReturnedUnitRuns);

    /// <summary>What the order's reservation held for this line at capture; the rest is short and left for routing to backorder.</summary>
    public int QuantityReserved { get; private set; }

    internal void RecordReserved(int quantity) => QuantityReserved = quantity;

    /// <summary>Routing sent <paramref name="quantity"/> to a fulfillment order; only unallocated quantity can go.</summary>
    internal void Allocate(int quantity)
    {
        if (quantity <= 0 || quantity > QuantityAvailableToFulfill)
            throw new DomainException("quantity_exceeds_remaining",
                $"Line {Reference} ({Sku}) has {QuantityAvailableToFulfill} left to allocate; {quantity} cannot be allocated.");
        QuantityAllocated += quantity;
    }

    /// <summary>A fulfillment order gave quantity back (rejected or canceled there): it is unallocated again.</summary>
    internal void Deallocate(int quantity)
    {
        if (quantity <= 0 || quantity > QuantityAllocated - QuantityFulfilled)
            throw new DomainException("quantity_exceeds_remaining",
                $"Line {Reference} ({Sku}) has {QuantityAllocated - QuantityFulfilled} allocated and unshipped; {quantity} cannot be given back.");
        QuantityAllocated -= quantity;
    }

    /// <summary>Quantity left a location: only allocated, unshipped quantity can (<c>fulfilled ≤ allocated</c>).</summary>
    internal void Fulfill(int quantity)
    {
        if (quantity <= 0 || quantity > QuantityAllocated - QuantityFulfilled)
            throw new DomainException("quantity_exceeds_remaining",
                $"Line {Reference} ({Sku}) has {QuantityAllocated - QuantityFulfilled} allocated and unshipped; {quantity} cannot be shipped.");
        QuantityFulfilled += quantity;
    }

    public int QuantityNetOrdered => QuantityOrdered - QuantityCanceled;
    public int QuantityAvailableToFulfill => QuantityOrdered - QuantityCanceled - QuantityAllocated;
    public int QuantityAvailableToCancel => QuantityAvailableToFulfill;
    public int QuantityAvailableToReturn => QuantityFulfilled - QuantityReturnInitiated;

    public decimal UnitPrice { get; private set; }

    /// <summary>As captured: unit price × ordered quantity. The units (<see cref="LineUnits"/>) are cut from these figures.</summary>
    public decimal OriginalLineAmount { get; private set; }
    public decimal OriginalAdjustmentAmount => _adjustments.Sum(a => a.Amount);
    public decimal OriginalTaxAmount => _taxes.Sum(t => t.Amount);

    /// <summary>What the change orders took off (or added): their deltas summed, so the line's figures need no change order loaded.</summary>
    public decimal ChangedAmount { get; private set; }
    public decimal ChangedAdjustmentAmount { get; private set; }
    public decimal ChangedTaxAmount { get; private set; }

    /// <summary>Now: the original plus every change order (domain.md "Changes") — unit price × net quantity after cancels.</summary>
    public decimal LineAmount => OriginalLineAmount + ChangedAmount;
    public decimal AdjustmentAmount => OriginalAdjustmentAmount + ChangedAdjustmentAmount;
    public decimal AdjustedAmount => LineAmount + AdjustmentAmount;
    public decimal TaxAmount => OriginalTaxAmount + ChangedTaxAmount;

    /// <summary>Under gross taxation the tax is already inside the adjusted amount, so it is not added twice.</summary>
    public decimal TotalAmount(Taxation taxation) => taxation == Taxation.Gross ? AdjustedAmount : AdjustedAmount + TaxAmount;

    public IReadOnlyList<LineAdjustment> Adjustments => _adjustments;
    /// <summary>Appeasements since capture, oldest first, each with the units it was spread over (<see cref="LineUnits"/>).</summary>
    public IReadOnlyList<UnitAdjustment> Appeasements => _appeasements;
    public IReadOnlyList<LineTax> Taxes => _taxes;

    public OrderLineStatus Status
    {
        get
        {
            if (QuantityNetOrdered == 0) return OrderLineStatus.Canceled;
            if (QuantityReturned > 0 && QuantityReturned == QuantityFulfilled && QuantityAvailableToFulfill == 0) return OrderLineStatus.Returned;
            if (QuantityFulfilled == QuantityNetOrdered) return OrderLineStatus.Fulfilled;
            if (QuantityFulfilled > 0) return OrderLineStatus.PartiallyFulfilled;
            if (QuantityAllocated == QuantityNetOrdered) return OrderLineStatus.Allocated;
            if (QuantityAllocated > 0) return OrderLineStatus.PartiallyAllocated;
            return OrderLineStatus.Ordered;
        }
    }

    /// <summary>True when the quantity invariants of domain.md hold.</summary>
    public bool QuantitiesAreConsistent =>
        QuantityCanceled >= 0 && QuantityAllocated >= 0 && QuantityFulfilled >= 0 && QuantityReturned >= 0 &&
        QuantityCanceled + QuantityAllocated <= QuantityOrdered &&
        QuantityFulfilled <= QuantityAllocated &&
        QuantityReturned <= QuantityReturnInitiated && QuantityReturnInitiated <= QuantityFulfilled;

    internal void PlaceIn(string orderId, string deliveryGroupId, int position)
    {
        OrderId = orderId;
        DeliveryGroupId = deliveryGroupId;
        Position = position;
    }

    /// <summary>A return order announced units coming back: they are no longer available to return elsewhere.</summary>
    internal void InitiateReturn(int quantity)
    {
        if (quantity <= 0 || quantity > QuantityAvailableToReturn)
            throw new DomainException("quantity_not_returnable",
                $"Line {Reference} ({Sku}) has {QuantityAvailableToReturn} units that can be returned (shipped, not on a return yet); {quantity} cannot be.");
        QuantityReturnInitiated += quantity;
    }

    /// <summary>Announced units that will not come back (a return order canceled, units rejected at receipt): available to return again.</summary>
    internal void WithdrawReturn(int quantity)
    {
        if (quantity <= 0 || quantity > QuantityReturnInitiated - QuantityReturned)
            throw new DomainException("quantity_exceeds_remaining",
                $"Line {Reference} ({Sku}) has {QuantityReturnInitiated - QuantityReturned} units announced and not received; {quantity} cannot be withdrawn.");
        QuantityReturnInitiated -= quantity;
    }

    internal void AddOrderAdjustmentShare(LineAdjustment share) => _adjustments.Add(share);

    /// <summary>
    /// A change order's line for this one: its money deltas join the line's figures; its units are canceled, or came back
    /// (<paramref name="initiatedBefore"/>: a return order announced them already, so they count as return-initiated).
    /// </summary>
    internal void Apply(ChangeOrderLine change, ChangeOrderKind kind, bool initiatedBefore = false)
    {
        switch (kind)
        {
            case ChangeOrderKind.Cancel:
                QuantityCanceled -= change.QuantityDelta;
                break;
            case ChangeOrderKind.Adjustment when Type == OrderLineType.Product:
                _appeasements.Add(new UnitAdjustment(change.AdjustmentDelta, change.TaxDelta, change.Units ?? ""));
                break;
            case ChangeOrderKind.Return when change.QuantityDelta != 0:
                if (!initiatedBefore) QuantityReturnInitiated -= change.QuantityDelta;
                QuantityReturned -= change.QuantityDelta;
                ReturnedUnitRuns = ReturnedUnits.With(UnitRanges.Parse(change.Units)).ToString();
                break;
        }
        ChangedAmount += change.AmountDelta;
        ChangedAdjustmentAmount += change.AdjustmentDelta;
        ChangedTaxAmount += change.TaxDelta;
    }
}

/// <summary>
/// An appeasement's adjustment and tax (both ≤ 0) on a product line, spread over <paramref name="Units"/> (<see cref="UnitRanges"/>
/// text) in proportion to what each unit cost then (<see cref="LineUnits"/>), so no unit goes below zero.
/// </summary>
public sealed record UnitAdjustment(decimal Adjustment, decimal Tax, string Units);

/// <summary>A promotion on a line: its own, or its share of an order-level one.</summary>
public sealed record LineAdjustment(string? Reference, string? Description, decimal Amount, AdjustmentSource Source);

public enum AdjustmentSource
{
    Line,
    /// <summary>This line's largest-remainder share of an order-level adjustment.</summary>
    OrderShare,
}

public sealed record LineTax(string Name, decimal? Rate, decimal Amount);
