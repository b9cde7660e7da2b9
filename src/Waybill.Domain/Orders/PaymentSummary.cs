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
}
