using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>One payment the channel sent: what was authorized, captured, refunded (domain.md "Payments").</summary>
public sealed class PaymentSummary
{
    private PaymentSummary() { }

    internal PaymentSummary(string id, PaymentDraft draft, int position)
    {
        Id = id;
        Method = draft.Method;
        Gateway = draft.Gateway;
        GatewayReference = draft.GatewayReference;
        AuthorizedAmount = draft.AuthorizedAmount;
        CapturedAmount = draft.CapturedAmount;
        AuthorizationExpiresAt = draft.AuthorizationExpiresAt;
        Position = position;
    }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public int Position { get; private set; }
    public string Method { get; private set; } = "";
    public string Gateway { get; private set; } = "";
    public string? GatewayReference { get; private set; }
    public decimal AuthorizedAmount { get; private set; }
    public decimal CapturedAmount { get; private set; }
    public decimal RefundedAmount { get; private set; }
    public decimal ReversedAmount { get; private set; }
    public DateTimeOffset? AuthorizationExpiresAt { get; private set; }

    public decimal AvailableToCapture => Math.Max(0m, AuthorizedAmount - CapturedAmount - ReversedAmount);
    public decimal AvailableToRefund => Math.Max(0m, CapturedAmount - RefundedAmount);

    /// <summary>True when the authorization's expiry is known and has passed: capturing it would fail at the gateway.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => AuthorizationExpiresAt is { } expires && expires <= now;

    /// <summary>The gateway captured <paramref name="amount"/>: never more than the authorization has left.</summary>
    internal void RecordCapture(decimal amount)
    {
        if (amount <= 0 || amount > AvailableToCapture)
            throw new DomainException("amount_exceeds_available", $"Payment {Id} has {AvailableToCapture} available to capture; {amount} cannot be captured.");
        CapturedAmount += amount;
    }

    /// <summary>The gateway refunded <paramref name="amount"/>: never more than was captured and not yet refunded.</summary>
    internal void RecordRefund(decimal amount)
    {
        if (amount <= 0 || amount > AvailableToRefund)
            throw new DomainException("amount_exceeds_available", $"Payment {Id} has {AvailableToRefund} available to refund; {amount} cannot be refunded.");
        RefundedAmount += amount;
    }

    /// <summary>The gateway gave back (voided) <paramref name="amount"/> of the authorization.</summary>
    internal void RecordReversal(decimal amount)
    {
        if (amount <= 0 || amount > AvailableToCapture)
            throw new DomainException("amount_exceeds_available", $"Payment {Id} has {AvailableToCapture} authorized and unused; {amount} cannot be voided.");
        ReversedAmount += amount;
    }
}
