using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// What a change (or its preview) answers (api.md "Changes"): the change order, the order's totals before and after, what
/// the change frees to be refunded, and the credit memo it created (none for a cancel: canceled units were never billed —
/// money captured for them is excess funds, refunded by flow 5).
/// </summary>
public sealed record ChangeResponse(ChangeOrderResponse ChangeOrder, TotalsResponse TotalsBefore, TotalsResponse TotalsAfter, decimal RefundableAmount,
    object? CreditMemo);

/// <param name="Id">Null in a preview: nothing was saved.</param>
public sealed record ChangeOrderResponse(string? Id, ChangeOrderKind Type, string? Reason, IReadOnlyList<ChangeOrderLineResponse> Lines, decimal TotalAmount,
    DateTimeOffset CreatedAt)
{
    public static ChangeOrderResponse From(ChangeOrder change, Taxation taxation, Currency currency, bool saved)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(currency);
        decimal M(decimal amount) => currency.Normalize(amount);
        return new ChangeOrderResponse(saved ? change.Id : null, change.Kind, change.Reason,
            [.. change.Lines.Select(l => new ChangeOrderLineResponse(l.OrderLineId, l.Type, l.QuantityDelta, M(l.AmountDelta), M(l.AdjustmentDelta), M(l.TaxDelta),
                M(l.TotalDelta(taxation)), l.Reason))],
            M(change.TotalDelta), change.CreatedAt);
    }
}

public sealed record ChangeOrderLineResponse(string OrderLineId, OrderLineType Type, int Quantity, decimal AmountDelta, decimal AdjustmentDelta, decimal TaxDelta,
    decimal TotalDelta, string? Reason);
