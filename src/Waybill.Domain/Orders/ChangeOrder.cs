namespace Waybill.Domain.Orders;

public enum ChangeOrderKind
{
    Cancel,
    /// <summary>Units that came back: directly, or received on a return order. Its fees are lines of type <c>fee</c>.</summary>
    Return,
    /// <summary>An appeasement on lines or on a delivery charge: less to pay, no units move.</summary>
    Adjustment,
    /// <summary>
    /// What an exchange's return will do once received whole (decision 0037): shown by the exchange's answer, never saved —
    /// each receipt of its return order saves a <c>return</c> change order.
    /// </summary>
    Exchange,
}

/// <summary>
/// The money effect of one change (domain.md "Changes"): lines carrying the deltas of quantity, amounts and tax — negative
/// for a cancel. The order is never edited back in time: its figures are the original plus every change order.
/// </summary>
public sealed class ChangeOrder
{
    private List<ChangeOrderLine> _lines = [];

    private ChangeOrder() { }

    internal ChangeOrder(string id, string orderId, ChangeOrderKind kind, string? reason, IEnumerable<ChangeOrderLine> lines, Taxation taxation, DateTimeOffset now)
    {
        Id = id;
        OrderId = orderId;
        Kind = kind;
        Reason = reason;
        CreatedAt = now;
        _lines = [.. lines];
        TotalDelta = _lines.Sum(l => l.TotalDelta(taxation));
    }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public ChangeOrderKind Kind { get; private set; }
    public string? Reason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>What the change does to the grand total (negative: less is owed).</summary>
    public decimal TotalDelta { get; private set; }
    public IReadOnlyList<ChangeOrderLine> Lines => _lines;
}

/// <param name="OrderLineId">The order line changed; null for a fee (it adds to the order, not to a line).</param>
/// <param name="QuantityDelta">Units the change takes away (negative) from the line: canceled, or returned.</param>
/// <param name="Reason">Why, as a short code (<c>customer_request</c>), when the request gave one for the line; a fee's type (<c>restocking</c>).</param>
/// <param name="Units">
/// The units a return took back, or an adjustment's share went to (<see cref="UnitRanges"/> text), so the line knows which
/// units came back and what each unit now costs.
/// </param>
/// <param name="Invoiced">An adjustment's part on units already invoiced (post-fulfillment): given back by a credit memo. The
/// rest lowers what later invoices bill.</param>
public sealed record ChangeOrderLine(string? OrderLineId, OrderLineType Type, int QuantityDelta, decimal AmountDelta, decimal AdjustmentDelta, decimal TaxDelta,
    string? Reason = null, string? Units = null, bool Invoiced = false)
{
    public decimal AdjustedDelta => AmountDelta + AdjustmentDelta;

    /// <summary>Under gross taxation the tax is inside the adjusted amount.</summary>
    public decimal TotalDelta(Taxation taxation) => taxation == Taxation.Gross ? AdjustedDelta : AdjustedDelta + TaxDelta;
}

/// <summary>Units of one line to cancel.</summary>
public sealed record CancelRequestLine(string LineId, int Quantity, string? Reason = null);

/// <summary>Units of one line coming back.</summary>
public sealed record ReturnRequestLine(string LineId, int Quantity, string? Reason = null);

/// <summary>A fee a return charges (restocking, return shipping): it adds to the order and reduces what is owed back.</summary>
public sealed record ReturnFee(string Type, decimal Amount);

/// <summary>An appeasement on one line: an amount (negative) or a percentage of what is left of it — exactly one of the two.</summary>
public sealed record AdjustRequestLine(string LineId, decimal? Amount, decimal? Percent, string? Reason = null);
