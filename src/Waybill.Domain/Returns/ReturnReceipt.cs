using Waybill.Domain.Orders;
using Waybill.Domain.Payments;

namespace Waybill.Domain.Returns;

public enum ReturnCondition
{
    /// <summary>Goes back on the shelf: restocked at the receipt line's location.</summary>
    Resellable,
    /// <summary>Came back but cannot be sold again: credited, not restocked.</summary>
    Damaged,
}

/// <summary>One receipt line as the warehouse reports it.</summary>
/// <param name="LocationCode">Where resellable units go back on hand; required when some are received resellable.</param>
public sealed record ReceiptLineRequest(string ReturnLineId, int QuantityReceived, int QuantityRejected, ReturnCondition Condition, string? LocationCode);

/// <summary>
/// One delivery of a return order received (partial receipts are allowed): what came back, what was rejected, and the
/// change order and credit memo it created (none when nothing was received or nothing is owed back).
/// </summary>
/// <param name="Fees">The fees this receipt charged: the return order's fees go with the first receipt that brings units back.</param>
/// <param name="InvoiceId">The invoice of its fees beyond what its units gave back (then it has no credit memo).</param>
public sealed record ReturnReceipt(string Id, DateTimeOffset ReceivedAt, string? ChangeOrderId, string? CreditMemoId, IReadOnlyList<ReturnFee> Fees,
    IReadOnlyList<ReturnReceiptLine> Lines, string? InvoiceId = null);

public sealed record ReturnReceiptLine(string ReturnLineId, string OrderLineId, int QuantityReceived, int QuantityRejected, ReturnCondition Condition,
    string? LocationCode);

/// <summary>Units to put back on hand at a location.</summary>
public sealed record Restock(string LocationCode, string Sku, int Quantity);

/// <summary>What receiving did: the receipt, and what the caller saves and acts on — the change order, the credit memo, the restock.</summary>
/// <param name="Invoice">The receipt's invoice when its fees exceed what its units give back (then it has no memo; same id the memo would have had).</param>
public sealed record ReturnReceiving(ReturnReceipt Receipt, ChangeOrder? Change, CreditMemo? Memo, Invoice? Invoice, IReadOnlyList<Restock> Restock);
