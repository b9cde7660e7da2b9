using Waybill.Domain.Webhooks;

namespace Waybill.Server.Webhooks;

/// <summary>A subscription as the API shows it. <see cref="Secret"/> only in the answer that created it; null on reads.</summary>
public sealed record WebhookSubscriptionResponse(string Id, string Url, IReadOnlyList<string> Events, string? Secret, DateTimeOffset CreatedAt)
{
    public static WebhookSubscriptionResponse From(WebhookSubscription s, bool withSecret = false) =>
        new(s.Id, s.Url, s.Events, withSecret ? s.Secret : null, s.CreatedAt);
}

public sealed record WebhookAttemptResponse(DateTimeOffset At, int? StatusCode, string? Error, long DurationMs);

/// <summary>
/// One line of a subscription's delivery log. <see cref="WebhookId"/> is the <c>webhook-id</c> header (the delivery's id);
/// <see cref="Waiting"/> says it is held behind an older pending delivery of the same subject.
/// </summary>
public sealed record WebhookDeliveryResponse(
    string Id, string WebhookId, string SubscriptionId, string EventId, string EventType, string Subject, WebhookDeliveryStatus Status,
    IReadOnlyList<WebhookAttemptResponse> Attempts, bool Waiting, DateTimeOffset? NextAttemptAt, string Origin, string? FailureReason,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d) => new(
        d.Id, d.Id, d.SubscriptionId, d.EventId, d.EventType, d.Subject, d.Status,
        [.. d.Attempts.Select(a => new WebhookAttemptResponse(a.At, a.StatusCode, a.Error, a.DurationMs))],
        d.Waiting, d.NextAttemptAt, d.Origin, d.FailureReason, d.CreatedAt, d.CompletedAt);
}
