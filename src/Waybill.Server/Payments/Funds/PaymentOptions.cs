namespace Waybill.Server.Payments.Funds;

public sealed class PaymentOptions
{
    /// <summary>
    /// When the safety net looks at a call again: a call still unanswered then (its node died mid-call) is asked again
    /// with the same idempotency key. Well past any gateway call's own timeout and retries.
    /// </summary>
    public TimeSpan SettleAfter { get; set; } = TimeSpan.FromMinutes(2);
}
