namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>The <c>Payments:Mock</c> configuration section, plus <c>WAYBILL_MOCK_GATEWAY_LATENCY_MS</c> and <c>WAYBILL_MOCK_GATEWAY_SECRET</c>.</summary>
public sealed class MockGatewayOptions
{
    /// <summary>How long one try may take before it is abandoned and retried (with the same idempotency key).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Retries after the first try, for 5xx answers, lost connections and timeouts.</summary>
    public int MaxRetries { get; set; } = 3;
    /// <summary>The first retry's wait; each further one waits twice as long (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How long after answering <c>pending</c> the result is delivered as a notification.</summary>
    public TimeSpan AsyncDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Latency added to every call (<c>WAYBILL_MOCK_GATEWAY_LATENCY_MS</c>), as a real provider has.</summary>
    public int LatencyMs { get; set; }
    /// <summary>The <c>whsec_…</c> secret notifications are signed with (<c>WAYBILL_MOCK_GATEWAY_SECRET</c>); null for a random one per process.</summary>
    public string? Secret { get; set; }
}
