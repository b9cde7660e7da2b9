namespace Waybill.Server.Payments.Funds;

public sealed class PaymentOptions
{
    /// <summary>
    /// When the safety net looks at a call again: a call still unanswered then (its node died mid-call) is asked again
    /// with the same idempotency key. Well past any gateway call's own timeout and retries.
    /// </summary>
    public TimeSpan SettleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a call may stay without an outcome — answered <c>pending</c> with no notification since, or never answered
    /// — counted from when it was sent or last answered. Past it the call is given up on as an error and its invoice
    /// concluded (failed, with a payment process exception); a later try asks again with the same key.
    /// </summary>
    public TimeSpan PendingDeadline { get; set; } = TimeSpan.FromHours(24);
}
