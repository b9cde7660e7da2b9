using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;

namespace Waybill.Domain.Returns;

public enum ReturnOrderStatus
{
    Submitted,
    Approved,
    /// <summary>Every expected unit was received or rejected.</summary>
    Received,
    /// <summary>Reserved for a later issue (received and its credit memos refunded); nothing moves a return order here yet.</summary>
    Closed,
    Canceled,
}

public static class ReturnOrderEventTypes
{
    public const string Created = "return_order.created";
    public const string Received = "return_order.received";
}

/// <summary>
/// A return order (RMA, domain.md "Statuses", decision 0035): units of an order announced as coming back, then received
/// (credited, restocked by condition) or rejected, possibly over several receipts. Its transitions:
/// submit → <c>submitted</c>; approve: submitted → approved; receive: approved → approved, or received once nothing is
/// left expected; cancel: submitted, approved → canceled (what was not received is withdrawn from the order).
/// The money is the order's: each receipt is a return change order of the order (<see cref="Order.Return"/>).
/// </summary>
public sealed class ReturnOrder
{
    private List<ReturnOrderLine> _lines = [];
    private List<ReturnFee> _fees = [];
    private List<ReturnReceipt> _receipts = [];
    private readonly List<string> _events = [];

    private ReturnOrder() { }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public string CurrencyCode { get; private set; } = "";
    public ReturnOrderStatus Status { get; private set; }
    /// <summary>Each receipt's change order reduces the delivery charge in proportion (all of it once nothing of a group is kept).</summary>
    public bool ReduceShipping { get; private set; }
    /// <summary>Whether a receipt charged the fees already (they are charged once).</summary>
    public bool FeesCharged { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<ReturnOrderLine> Lines => _lines;
    public IReadOnlyList<ReturnFee> Fees => _fees;
    public IReadOnlyList<ReturnReceipt> Receipts => _receipts;
    /// <summary>Event types raised since load (<see cref="ReturnOrderEventTypes"/>), oldest first.</summary>
    public IReadOnlyList<string> Events => _events;

    public IReadOnlyList<string> ChangeOrderIds => [.. _receipts.Select(r => r.ChangeOrderId).OfType<string>()];
    public IReadOnlyList<string> CreditMemoIds => [.. _receipts.Select(r => r.CreditMemoId).OfType<string>()];

    /// <summary>
    /// Submits a return order and announces its units on the order (they count as return-initiated at once, so no other
    /// return can take them). It is checked as the direct return of the same units would be — lines, quantities
    /// (<c>quantity_not_returnable</c>), fee amounts — so a return order that is received whole never fails on what was known
    /// at submit. A line named twice is one line.
    /// </summary>
    public static ReturnOrder Submit(string id, Order order, IReadOnlyList<ReturnRequestLine> request, bool reduceShipping, IReadOnlyList<ReturnFee> fees,
        Func<string> newLineId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(fees);
        ArgumentNullException.ThrowIfNull(newLineId);
        order.PreviewReturn(id, request, reduceShipping, fees, null, now);
        order.AnnounceReturn(request, now);
        var returnOrder = new ReturnOrder
        {
            Id = id, OrderId = order.Id, CurrencyCode = order.CurrencyCode, Status = ReturnOrderStatus.Submitted, ReduceShipping = reduceShipping,
            Version = 1, CreatedAt = now, UpdatedAt = now, _fees = [.. fees.Select(f => f with { Amount = order.Currency.Normalize(f.Amount) })],
        };
        var skus = order.ProductLines.ToDictionary(l => l.Id, l => l.Sku, StringComparer.Ordinal);
        foreach (var group in request.GroupBy(r => r.LineId, StringComparer.Ordinal))
        {
            returnOrder._lines.Add(new ReturnOrderLine(newLineId(), id, returnOrder._lines.Count, group.Key, skus[group.Key], group.Sum(r => r.Quantity),
                group.Select(r => r.Reason).FirstOrDefault(r => r is not null)));
        }
        returnOrder._events.Add(ReturnOrderEventTypes.Created);
        return returnOrder;
    }

    public void Approve(DateTimeOffset now)
    {
        if (Status != ReturnOrderStatus.Submitted) throw NotAllowed("approve");
        Status = ReturnOrderStatus.Approved;
        Touch(now);
    }

    /// <summary>
    /// Cancels the return order: the units still expected will not come back, so the order withdraws them (they are
    /// returnable again). Units received before stay received — their change orders and credit memos stand.
    /// </summary>
    public void Cancel(Order order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (Status is not (ReturnOrderStatus.Submitted or ReturnOrderStatus.Approved)) throw NotAllowed("cancel");
        CheckOrder(order);
        var outstanding = _lines.Where(l => l.QuantityRemaining > 0).Select(l => (l.OrderLineId, l.QuantityRemaining)).ToList();
        if (outstanding.Count > 0) order.WithdrawReturn(outstanding, now);
        Status = ReturnOrderStatus.Canceled;
        Touch(now);
    }

    /// <summary>
    /// Receives one delivery. Received units come back through the order as a return change order of announced units, with
    /// its credit memo (what was billed, less the fees; an invoice instead when the fees exceed it); rejected units are
    /// withdrawn from the order. The fees go with the first receipt that brings units back. Resellable received units are to be restocked where the line says; damaged
    /// ones are not. The status becomes <c>received</c> once no unit is left expected.
    /// </summary>
    /// <param name="billedCharges">The order's delivery-charge lines already invoiced (the memo credits only billed charges).</param>
    public ReturnReceiving Receive(Order order, string receiptId, IReadOnlyList<ReceiptLineRequest> request, string changeOrderId, string creditMemoId,
        IReadOnlySet<string> billedCharges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(billedCharges);
        if (Status != ReturnOrderStatus.Approved) throw NotAllowed("receive");
        CheckOrder(order);
        var byId = _lines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var errors = new FieldErrors();
        if (request.Count == 0) errors.Add("lines", "Name at least one return line received or rejected.");
        for (var i = 0; i < request.Count; i++)
        {
            var line = request[i];
            if (!byId.ContainsKey(line.ReturnLineId)) errors.Add($"lines[{i}].returnLineId", $"The return order has no line '{line.ReturnLineId}'.");
            if (line.QuantityReceived < 0) errors.Add($"lines[{i}].quantityReceived", "quantityReceived is a whole number, 0 or more.");
            if (line.QuantityRejected < 0) errors.Add($"lines[{i}].quantityRejected", "quantityRejected is a whole number, 0 or more.");
            if (line is { QuantityReceived: 0, QuantityRejected: 0 })
                errors.Add($"lines[{i}].quantityReceived", "A receipt line receives or rejects at least one unit.");
            if (line is { Condition: ReturnCondition.Resellable, QuantityReceived: > 0 } && string.IsNullOrWhiteSpace(line.LocationCode))
                errors.Add($"lines[{i}].locationCode", "Resellable units go back on hand somewhere: name the location.");
        }
        errors.ThrowIfAny();
        var counted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Count; i++)
        {
            var line = byId[request[i].ReturnLineId];
            var total = counted.GetValueOrDefault(line.Id) + request[i].QuantityReceived + request[i].QuantityRejected;
            if (total > line.QuantityRemaining)
                throw new FieldRuleException("quantity_exceeds_remaining", $"lines[{i}].quantityReceived",
                    $"Return line {line.Id} ({line.Sku}) expects {line.QuantityRemaining} more units; {total} cannot be received or rejected.");
            counted[line.Id] = total;
        }

        // Per order line, in the return order's line order, so the change order reads like the return order.
        var received = Totals(request, byId, r => r.QuantityReceived);
        var rejected = Totals(request, byId, r => r.QuantityRejected);
        ChangeOrder? change = null;
        CreditMemo? memo = null;
        Invoice? invoice = null;
        List<ReturnFee> fees = [];
        if (received.Count > 0)
        {
            var reasons = _lines.ToDictionary(l => l.OrderLineId, l => l.Reason, StringComparer.Ordinal);
            var lines = received.Select(r => new ReturnRequestLine(r.OrderLineId, r.Quantity, reasons[r.OrderLineId])).ToList();
            var reason = lines.Select(l => l.Reason).Distinct().ToList() is [var only] ? only : null;
            // The fees go with the first receipt that brings units back: they reduce its credit memo, or — beyond its credit —
            // are invoiced (Invoice.ForChange).
            if (!FeesCharged) fees = _fees;
            change = order.Return(changeOrderId, lines, ReduceShipping, fees, reason, now, announced: true);
            memo = CreditMemo.ForChange(creditMemoId, order, change, billedCharges, now);
            invoice = memo is null ? Invoice.ForChange(creditMemoId, order, change, billedCharges, now) : null;
            FeesCharged |= fees.Count > 0;
        }
        if (rejected.Count > 0) order.WithdrawReturn(rejected, now);

        foreach (var line in request) byId[line.ReturnLineId].Record(line.QuantityReceived, line.QuantityRejected);
        var receipt = new ReturnReceipt(receiptId, now, change?.Id, memo?.Id, fees,
            [.. request.Select(r => new ReturnReceiptLine(r.ReturnLineId, byId[r.ReturnLineId].OrderLineId, r.QuantityReceived, r.QuantityRejected, r.Condition,
                string.IsNullOrWhiteSpace(r.LocationCode) ? null : r.LocationCode.Trim()))], invoice?.Id);
        _receipts.Add(receipt);
        if (_lines.All(l => l.QuantityRemaining == 0)) Status = ReturnOrderStatus.Received;
        Touch(now);
        _events.Add(ReturnOrderEventTypes.Received);
        var restock = receipt.Lines.Where(l => l is { Condition: ReturnCondition.Resellable, QuantityReceived: > 0 } && byId[l.ReturnLineId].Sku is not null)
            .GroupBy(l => (Location: l.LocationCode!, Sku: byId[l.ReturnLineId].Sku!))
            .Select(g => new Restock(g.Key.Location, g.Key.Sku, g.Sum(l => l.QuantityReceived)))
            .OrderBy(r => r.LocationCode, StringComparer.Ordinal).ThenBy(r => r.Sku, StringComparer.Ordinal).ToList();
        return new ReturnReceiving(receipt, change, memo, invoice, restock);
    }

    public void ClearEvents() => _events.Clear();

    /// <summary>EF Core loads children unordered.</summary>
    public void RestoreOrder() => _lines.Sort((a, b) => a.Position.CompareTo(b.Position));

    private List<(string OrderLineId, int Quantity)> Totals(IReadOnlyList<ReceiptLineRequest> request, Dictionary<string, ReturnOrderLine> byId,
        Func<ReceiptLineRequest, int> quantity)
    {
        var sums = request.GroupBy(r => byId[r.ReturnLineId].OrderLineId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(quantity), StringComparer.Ordinal);
        return [.. _lines.Select(l => l.OrderLineId).Distinct().Where(id => sums.GetValueOrDefault(id) > 0).Select(id => (id, sums[id]))];
    }

    private void CheckOrder(Order order)
    {
        if (order.Id != OrderId) throw new ArgumentException($"Return order {Id} belongs to order {OrderId}, not {order.Id}.", nameof(order));
    }

    private InvalidTransitionException NotAllowed(string action) => new("return order", StatusNames.Of(Status), action);

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
