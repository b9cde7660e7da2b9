using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Returns;

namespace Waybill.Server.Returns;

/// <summary>
/// A return order as the API shows it (decision 0035): its lines with expected, received and rejected units, every receipt
/// with the change order and credit memo it created, and those ids gathered for a quick look.
/// </summary>
public sealed record ReturnOrderResponse(
    string Id,
    string OrderId,
    ReturnOrderStatus Status,
    bool ReduceShipping,
    string Currency,
    IReadOnlyList<ReturnFeeResponse> Fees,
    bool FeesCharged,
    IReadOnlyList<ReturnOrderLineResponse> Lines,
    IReadOnlyList<ReturnReceiptResponse> Receipts,
    IReadOnlyList<string> ChangeOrderIds,
    IReadOnlyList<string> CreditMemoIds,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ReturnOrderResponse From(ReturnOrder returnOrder)
    {
        ArgumentNullException.ThrowIfNull(returnOrder);
        var currency = Domain.Common.Currency.Of(returnOrder.CurrencyCode);
        IReadOnlyList<ReturnFeeResponse> Fees(IEnumerable<ReturnFee> fees) => [.. fees.Select(f => new ReturnFeeResponse(f.Type, currency.Normalize(f.Amount)))];
        return new ReturnOrderResponse(
            returnOrder.Id, returnOrder.OrderId, returnOrder.Status, returnOrder.ReduceShipping, returnOrder.CurrencyCode, Fees(returnOrder.Fees),
            returnOrder.FeesCharged,
            [.. returnOrder.Lines.Select(l => new ReturnOrderLineResponse(l.Id, l.OrderLineId, l.Sku, l.QuantityExpected, l.QuantityReceived, l.QuantityRejected,
                l.QuantityRemaining, l.Reason))],
            [.. returnOrder.Receipts.Select(r => new ReturnReceiptResponse(r.Id, r.ReceivedAt, r.ChangeOrderId, r.CreditMemoId, Fees(r.Fees),
                [.. r.Lines.Select(l => new ReturnReceiptLineResponse(l.ReturnLineId, l.OrderLineId, l.QuantityReceived, l.QuantityRejected, l.Condition, l.LocationCode))],
                r.InvoiceId))],
            returnOrder.ChangeOrderIds, returnOrder.CreditMemoIds, returnOrder.Version, returnOrder.CreatedAt, returnOrder.UpdatedAt);
    }
}

public sealed record ReturnFeeResponse(string Type, decimal Amount);

/// <param name="QuantityRemaining">expected − received − rejected: still expected; on a canceled return order, what the cancel withdrew.</param>
public sealed record ReturnOrderLineResponse(string Id, string OrderLineId, string? Sku, int QuantityExpected, int QuantityReceived, int QuantityRejected,
    int QuantityRemaining, string? Reason);

public sealed record ReturnReceiptResponse(string Id, DateTimeOffset ReceivedAt, string? ChangeOrderId, string? CreditMemoId, IReadOnlyList<ReturnFeeResponse> Fees,
    IReadOnlyList<ReturnReceiptLineResponse> Lines, string? InvoiceId);

public sealed record ReturnReceiptLineResponse(string ReturnLineId, string OrderLineId, int QuantityReceived, int QuantityRejected, ReturnCondition Condition,
    string? LocationCode);

public static class ReturnOrderPaths
{
    public static string Of(string id) => $"/api/v1/return-orders/{id}";
}
