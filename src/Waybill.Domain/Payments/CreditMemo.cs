using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Payments;

public enum CreditMemoStatus
{
    Open,
    /// <summary>Balance 0: everything owed back was refunded.</summary>
    Refunded,
}

public static class CreditMemoEventTypes
{
    public const string Created = "credit_memo.created";
}

/// <summary>
/// What is owed back (domain.md "Payments", api.md "Payments, invoices, credit memos"): a change order's credit for what
/// was billed — returned units at their unit shares, a billed delivery charge reduced — less its fees. Amounts are
/// positive; ensure-refunds applies refunds until its balance is 0.
/// </summary>
public sealed class CreditMemo
{
    private List<CreditMemoLine> _lines = [];
    private readonly List<string> _events = [];

    private CreditMemo() { }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public string ChangeOrderId { get; private set; } = "";
    public CreditMemoStatus Status { get; private set; }
    public string CurrencyCode { get; private set; } = "";
    public decimal TotalAmount { get; private set; }
    public decimal RefundedAmount { get; private set; }
    public decimal Balance => TotalAmount - RefundedAmount;
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<CreditMemoLine> Lines => _lines;
    /// <summary>Event types raised since load (<see cref="CreditMemoEventTypes"/>), oldest first.</summary>
    public IReadOnlyList<string> Events => _events;

    /// <summary>
    /// The credit memo of a change order, or null when it owes nothing back (fees beyond the credit are invoiced instead:
    /// <see cref="Invoice.ForChange"/>). A delivery charge not billed yet is left out:
    /// its invoice will bill it as the change left it, so crediting it too would pay it back twice.
    /// </summary>
    /// <param name="billedCharges">The order's delivery-charge lines already invoiced.</param>
    public static CreditMemo? ForChange(string id, Order order, ChangeOrder change, IReadOnlySet<string> billedCharges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(billedCharges);
        var currency = order.Currency;
        var memo = new CreditMemo
        {
            Id = id, OrderId = order.Id, ChangeOrderId = change.Id, CurrencyCode = order.CurrencyCode, Version = 1, CreatedAt = now, UpdatedAt = now,
            Status = CreditMemoStatus.Open,
        };
        foreach (var line in BilledLinesOf(change, billedCharges))
        {
            // A change's deltas are what the order owes less; the memo states them as what is owed back (a fee negative).
            memo._lines.Add(new CreditMemoLine(id, memo._lines.Count, line.OrderLineId, line.Type, line.Reason, -line.QuantityDelta,
                currency.Normalize(-line.AmountDelta), currency.Normalize(-line.AdjustmentDelta), currency.Normalize(-line.TaxDelta),
                currency.Normalize(-line.TotalDelta(order.Taxation))));
        }
        memo.TotalAmount = currency.Normalize(memo._lines.Sum(l => l.TotalAmount));
        if (memo.TotalAmount <= 0) return null;
        memo._events.Add(CreditMemoEventTypes.Created);
        return memo;
    }

    /// <summary>
    /// The change's lines that move billed money: fees; units that came back; an appeasement's part on units already
    /// invoiced; a delivery charge's reduction once the charge was invoiced. The rest changes what later invoices bill.
    /// </summary>
    public static IEnumerable<ChangeOrderLine> BilledLinesOf(ChangeOrder change, IReadOnlySet<string> billedCharges)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(billedCharges);
        return change.Lines.Where(l => l.Type switch
        {
            OrderLineType.DeliveryCharge => billedCharges.Contains(l.OrderLineId!),
            OrderLineType.Product => change.Kind != ChangeOrderKind.Adjustment || l.Invoiced,
            _ => true,
        });
    }

    /// <summary>Ensure-refunds may work on it: not refunded yet.</summary>
    public void EnsureRefundsAllowed()
    {
        if (Status == CreditMemoStatus.Refunded)
            throw new InvalidTransitionException("credit memo", StatusNames.Of(Status), "ensure_refunds");
    }

    /// <summary>A refund for it succeeded; refunded when the balance reaches 0.</summary>
    public void ApplyRefund(decimal amount, DateTimeOffset now)
    {
        if (amount <= 0 || amount > Balance)
            throw new ArgumentOutOfRangeException(nameof(amount), $"{amount} cannot be refunded against a balance of {Balance}.");
        RefundedAmount += amount;
        UpdatedAt = now;
        Version++;
        if (Balance == 0) Status = CreditMemoStatus.Refunded;
    }

    public void ClearEvents() => _events.Clear();

    /// <summary>EF Core loads children unordered.</summary>
    public void RestoreOrder() => _lines.Sort((a, b) => a.Position.CompareTo(b.Position));
}

/// <param name="OrderLineId">The order line credited; null for a fee.</param>
/// <param name="Reason">The change line's reason; a fee's type.</param>
/// <param name="Quantity">Units credited (returned).</param>
public sealed record CreditMemoLine(
    string CreditMemoId, int Position, string? OrderLineId, OrderLineType Type, string? Reason, int Quantity,
    decimal Amount, decimal AdjustmentAmount, decimal TaxAmount, decimal TotalAmount);
