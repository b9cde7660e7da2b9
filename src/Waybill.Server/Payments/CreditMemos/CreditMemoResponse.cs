using Waybill.Domain.Orders;
using Waybill.Domain.Payments;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary>A credit memo as the API shows it: an invoice's shape with <c>refundedAmount</c> (api.md "Payments, invoices, credit memos").</summary>
/// <param name="Id">Null in a change's preview (nothing was saved), like its change order's.</param>
public sealed record CreditMemoResponse(
    string? Id,
    string OrderId,
    string? ChangeOrderId,
    CreditMemoStatus Status,
    string Currency,
    IReadOnlyList<CreditMemoLineResponse> Lines,
    decimal TotalAmount,
    decimal RefundedAmount,
    decimal Balance,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static CreditMemoResponse From(CreditMemo memo)
    {
        ArgumentNullException.ThrowIfNull(memo);
        var currency = Domain.Common.Currency.Of(memo.CurrencyCode);
        decimal M(decimal amount) => currency.Normalize(amount);
        return new CreditMemoResponse(
            memo.Id, memo.OrderId, memo.ChangeOrderId, memo.Status, memo.CurrencyCode,
            [.. memo.Lines.Select(l => new CreditMemoLineResponse(l.OrderLineId, l.Type, l.Reason, l.Quantity, M(l.Amount), M(l.AdjustmentAmount), M(l.TaxAmount),
                M(l.TotalAmount)))],
            M(memo.TotalAmount), M(memo.RefundedAmount), M(memo.Balance), memo.Version, memo.CreatedAt, memo.UpdatedAt);
    }
}

/// <param name="OrderLineId">Null for a fee (its <c>reason</c> is the fee's type).</param>
public sealed record CreditMemoLineResponse(string? OrderLineId, OrderLineType Type, string? Reason, int Quantity, decimal Amount, decimal AdjustmentAmount,
    decimal TaxAmount, decimal TotalAmount);

public static class CreditMemoPaths
{
    public static string Of(string id) => $"/api/v1/credit-memos/{id}";
}
