namespace Waybill.Server.Payments.Gateways;

/// <summary>
/// A payment service provider (domain.md "Payments"): capture from an authorization, refund a capture, void what is
/// left of an authorization, and read the provider's asynchronous notifications. Waybill calls it outside every
/// database transaction, with an idempotency key per request, so a retried call (after a timeout, a crash) can never
/// move money twice.
/// </summary>
/// <remarks>
/// An implementation retries transient failures itself (its HttpClient's resilience pipeline) with the same key, and
/// answers every outcome as a <see cref="GatewayAnswer"/> — it throws only when <c>cancellationToken</c> is canceled.
/// </remarks>
public interface IPaymentGateway
{
    /// <summary>The name orders and the notifications endpoint use (<c>mock</c>, <c>stripe</c>, …).</summary>
    string Name { get; }

    Task<GatewayAnswer> CaptureAsync(GatewayCall call, CancellationToken cancellationToken);

    Task<GatewayAnswer> RefundAsync(GatewayCall call, CancellationToken cancellationToken);

    /// <summary>Gives back (reverses) <see cref="GatewayCall.Amount"/> of an authorization that will not be captured.</summary>
    Task<GatewayAnswer> VoidAsync(GatewayCall call, CancellationToken cancellationToken);

    /// <summary>
    /// Checks the signature of a notification the provider posted and reads it; null when the signature (or its
    /// timestamp) does not verify — the endpoint then answers 401 and records nothing.
    /// </summary>
    GatewayNotification? ReadNotification(IReadOnlyDictionary<string, string> headers, string body);
}

/// <param name="IdempotencyKey">The same key for every try of one request: the provider answers a repeat with the first result.</param>
/// <param name="PaymentReference">The authorization's <c>gatewayReference</c> (a refund or a void names the authorization it belongs to).</param>
public sealed record GatewayCall(string IdempotencyKey, string PaymentReference, decimal Amount, string Currency);

public enum GatewayResult
{
    Success,
    Declined,
    /// <summary>The provider could not be reached or kept failing after the retries; nothing is known to have moved.</summary>
    Error,
    /// <summary>Accepted; the outcome arrives later as a notification carrying the same idempotency key.</summary>
    Pending,
}

/// <param name="GatewayReference">The provider's id for this capture/refund/void, when it gave one.</param>
/// <param name="Code">A machine-readable reason for a decline or error (<c>authorization_expired</c>, <c>card_declined</c>, …).</param>
public sealed record GatewayAnswer(GatewayResult Result, string? GatewayReference, string? Message, string? Code = null);

public enum GatewayNotificationKind
{
    /// <summary>The outcome of a capture that was answered <see cref="GatewayResult.Pending"/>.</summary>
    CaptureResult,
    /// <summary>The outcome of a refund that was answered <see cref="GatewayResult.Pending"/>.</summary>
    RefundResult,
    Dispute,
    Chargeback,
}

/// <param name="NotificationId">The provider's id for the notification: a repeat (at-least-once delivery) is recognised by it.</param>
/// <param name="IdempotencyKey">For a result: the key of the request it answers.</param>
/// <param name="Result">For a result: success or declined.</param>
public sealed record GatewayNotification(
    string NotificationId,
    GatewayNotificationKind Kind,
    string? IdempotencyKey,
    string? PaymentReference,
    GatewayResult? Result,
    decimal? Amount,
    string? Currency,
    string? GatewayReference,
    string? Message,
    DateTimeOffset OccurredAt);

/// <summary>
/// What Waybill does with a verified notification (records it on the order, applies a result, raises a process
/// exception for a dispute). The notifications endpoint and the mock gateway's deliveries both end here.
/// </summary>
public interface IPaymentNotificationHandler
{
    Task HandleAsync(string gateway, GatewayNotification notification, CancellationToken cancellationToken);
}
