using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Payments.CreditMemos;
using Waybill.Server.Payments.Invoices;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// What a change (or its preview) answers (api.md "Changes"): the change order, the order's totals before and after, what
/// the change frees to be refunded, and the credit memo it created (none for a cancel: canceled units were never billed —
/// money captured for them is excess funds, refunded by flow 5; a preview shows the memo the submit would create, with no id).
/// </summary>
/// <param name="Invoice">What the change bills when its fees leave the customer owing (then it has no credit memo).</param>
public sealed record ChangeResponse(ChangeOrderResponse ChangeOrder, TotalsResponse TotalsBefore, TotalsResponse TotalsAfter, decimal RefundableAmount,
    CreditMemoResponse? CreditMemo, InvoiceResponse? Invoice)
{
    /// <summary>
    /// The answer to a change. What it frees to be refunded: its credit memo, plus the excess funds it frees (the unapplied
    /// balance beyond what is still to be paid, after the change less before it).
    /// </summary>
    /// <param name="paidLessCredited">What invoices were paid less what credit memos gave back, before this change's memo.</param>
    public static ChangeResponse Of(Order order, ChangeOrder change, OrderTotals after, decimal paidLessCredited, ChangeBilling? billing, bool saved,
        OrderTotals? before = null)
    {
        var memo = billing?.CreditMemo;
        var invoice = billing?.Invoice;
        ArgumentNullException.ThrowIfNull(order);
        var currency = order.Currency;
        var totalsBefore = before ?? order.Totals;
        var credited = memo?.TotalAmount ?? 0m;
        var refundable = credited + order.ExcessFunds(paidLessCredited - credited, after.GrandTotalAmount)
            - order.ExcessFunds(paidLessCredited, totalsBefore.GrandTotalAmount);
        var memoResponse = memo is null ? null : saved ? CreditMemoResponse.From(memo) : CreditMemoResponse.From(memo) with { Id = null, ChangeOrderId = null };
        return new ChangeResponse(ChangeOrderResponse.From(change, order.Taxation, currency, saved),
            TotalsResponse.From(totalsBefore, currency.Normalize), TotalsResponse.From(after, currency.Normalize), currency.Normalize(refundable), memoResponse,
            invoice is null ? null : saved ? InvoiceResponse.From(invoice) : InvoiceResponse.From(invoice) with { Id = null, ChangeOrderId = null });
    }
}

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

public sealed record ChangeOrderLineResponse(string? OrderLineId, OrderLineType Type, int Quantity, decimal AmountDelta, decimal AdjustmentDelta, decimal TaxDelta,
    decimal TotalDelta, string? Reason);
