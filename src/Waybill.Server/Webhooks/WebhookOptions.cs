using Waybill.Domain.Webhooks;

namespace Waybill.Server.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section (and <c>WAYBILL_WEBHOOKS_HTTPS_ONLY</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>How long a receiver has to answer one attempt; a later answer counts as a failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>The waits between attempts; empty for the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).</summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];
    /// <summary>Refuse http:// and loopback receivers.</summary>
    public bool HttpsOnly { get; set; }

    public WebhookRetrySchedule Schedule => RetryDelays.Count == 0 ? WebhookRetrySchedule.Standard : new WebhookRetrySchedule(RetryDelays);
}
