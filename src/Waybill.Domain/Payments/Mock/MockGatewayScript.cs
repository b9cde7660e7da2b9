namespace Waybill.Domain.Payments.Mock;

/// <summary>How the built-in <c>mock</c> gateway behaves for an authorization (api.md "Payments, invoices, credit memos").</summary>
public enum MockGatewayBehaviour
{
    Ok,
    /// <summary>Declines every request: <c>card_declined</c>.</summary>
    Decline,
    /// <summary>Answers 503 to the first <see cref="MockGatewayScript.FlakyFailures"/> tries of each request, then succeeds.</summary>
    Flaky,
    /// <summary>Does the work but the first answer is lost on the way back (the connection resets).</summary>
    Timeout,
    /// <summary>Answers <c>pending</c>; the result follows as a signed notification.</summary>
    Async,
    /// <summary>Declines: <c>authorization_expired</c>.</summary>
    Expired,
    /// <summary>Answers <c>pending</c>, then declines in its notification: <c>card_declined</c>.</summary>
    AsyncDecline,
    /// <summary>Captures succeed; a signed <c>dispute.opened</c> notification for the captured amount follows.</summary>
    Dispute,
    /// <summary>Captures succeed; a signed <c>chargeback.created</c> notification for the captured amount follows.</summary>
    Chargeback,
}

/// <summary>
/// The mock's script is the authorization's <c>gatewayReference</c>: its prefix says what happens, so a test or a demo shop
/// scripts every case by naming the payment. Refunds and voids carry the authorization's reference and so follow it too.
/// </summary>
public static class MockGatewayScript
{
    public const int FlakyFailures = 2;

    private static readonly (string Prefix, MockGatewayBehaviour Behaviour)[] Prefixes =
    [
        ("auth_ok_", MockGatewayBehaviour.Ok),
        ("auth_decline_", MockGatewayBehaviour.Decline),
        ("auth_flaky_", MockGatewayBehaviour.Flaky),
        ("auth_timeout_", MockGatewayBehaviour.Timeout),
        // Before auth_async_, which it starts with: the first matching prefix wins.
        ("auth_async_decline_", MockGatewayBehaviour.AsyncDecline),
        ("auth_async_", MockGatewayBehaviour.Async),
        ("auth_expired_", MockGatewayBehaviour.Expired),
        ("auth_dispute_", MockGatewayBehaviour.Dispute),
        ("auth_chargeback_", MockGatewayBehaviour.Chargeback),
    ];

    /// <summary>The behaviour the reference's prefix names; anything else behaves like <c>auth_ok_</c>.</summary>
    public static MockGatewayBehaviour Of(string paymentReference)
    {
        ArgumentNullException.ThrowIfNull(paymentReference);
        foreach (var (prefix, behaviour) in Prefixes)
            if (paymentReference.StartsWith(prefix, StringComparison.Ordinal)) return behaviour;
        return MockGatewayBehaviour.Ok;
    }
}
