namespace Waybill.Domain.Returns;

/// <summary>
/// Units of one order line a return order expects back. Invariant: received + rejected ≤ expected; what is left is still
/// expected (<see cref="QuantityRemaining"/>) until the return order is received or canceled.
/// </summary>
public sealed class ReturnOrderLine
{
    private ReturnOrderLine() { }

    internal ReturnOrderLine(string id, string returnOrderId, int position, string orderLineId, string? sku, int quantityExpected, string? reason)
    {
        Id = id;
        ReturnOrderId = returnOrderId;
        Position = position;
        OrderLineId = orderLineId;
        Sku = sku;
        QuantityExpected = quantityExpected;
        Reason = reason;
    }

    public string Id { get; private set; } = "";
    public string ReturnOrderId { get; private set; } = "";
    /// <summary>Keeps lines in request order.</summary>
    public int Position { get; private set; }
    public string OrderLineId { get; private set; } = "";
    public string? Sku { get; private set; }
    public int QuantityExpected { get; private set; }
    public int QuantityReceived { get; private set; }
    public int QuantityRejected { get; private set; }
    public string? Reason { get; private set; }

    public int QuantityRemaining => QuantityExpected - QuantityReceived - QuantityRejected;

    internal void Record(int received, int rejected)
    {
        if (received < 0 || rejected < 0 || received + rejected > QuantityRemaining)
            throw new InvalidOperationException($"Return line {Id} expects {QuantityRemaining} more units; {received} received and {rejected} rejected do not fit.");
        QuantityReceived += received;
        QuantityRejected += rejected;
    }
}
