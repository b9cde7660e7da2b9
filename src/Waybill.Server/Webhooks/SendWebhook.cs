using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Automation;
using Waybill.Domain.Webhooks;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Webhooks;

/// <summary>
/// The job that makes one attempt of a delivery: (1) under the stream's lock, check it is still this attempt's turn and
/// no older delivery of the order is pending; (2) POST, outside any transaction; (3) under the lock again, record the
/// attempt — then either schedule the next attempt, or end the delivery (a <c>webhook</c> process exception when it
/// failed) and wake the next delivery of the stream.
/// </summary>
public sealed class SendWebhook(
    WaybillDb db, RequestCommit commit, WebhookStreams streams, WebhookDeliveries deliveries, WebhookSender sender,
    ProcessExceptions exceptions, IOptions<WebhookOptions> options, IClock clock, ILogger<SendWebhook> log) : IJobHandler
{
    public const string JobKind = "webhooks.send";
    internal const string Actor = "webhooks";

    /// <param name="Attempt">How many attempts the delivery had when this one was scheduled: a job that finds more is stale.</param>
    public sealed record Payload(string DeliveryId, string SubscriptionId, string Subject, int Attempt);

    private sealed record Ready(string Url, string Secret, string Body);

    public string Kind => JobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var payload = job.PayloadAs<Payload>();
        var ready = await commit.InTransactionAsync(() => TakeTurnAsync(payload, cancellationToken), cancellationToken);
        db.ChangeTracker.Clear();
        if (ready is null) return;

        var startedAt = clock.UtcNow;
        var outcome = await sender.SendAsync(ready.Url, ready.Secret, payload.DeliveryId, startedAt.ToUnixTimeSeconds(), ready.Body, cancellationToken);
        await commit.InTransactionAsync(() => RecordAsync(payload, startedAt, outcome, cancellationToken), cancellationToken);
    }

    /// <summary>What to send, or null when there is nothing to send now (stale job, deleted subscription, an older delivery first).</summary>
    private async Task<Ready?> TakeTurnAsync(Payload payload, CancellationToken cancellationToken)
    {
        await streams.LockAsync(payload.SubscriptionId, payload.Subject, cancellationToken);
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == payload.DeliveryId, cancellationToken);
        if (delivery is null || !delivery.IsPending || delivery.Waiting || delivery.Attempts.Count != payload.Attempt) return null;
        var subscription = await db.WebhookSubscriptions.FirstAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        if (subscription.IsDeleted)
        {
            delivery.Abandon("The subscription was deleted.", clock.UtcNow);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        if (await streams.HasOlderPendingAsync(delivery, cancellationToken))
        {
            delivery.Wait();
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        return new Ready(subscription.Url, subscription.Secret, delivery.Body);
    }

    private async Task<bool> RecordAsync(Payload payload, DateTimeOffset startedAt, WebhookAttemptOutcome outcome, CancellationToken cancellationToken)
    {
        await streams.LockAsync(payload.SubscriptionId, payload.Subject, cancellationToken);
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == payload.DeliveryId, cancellationToken);
        // Redelivered, abandoned or recorded by another run meanwhile: that run's outcome stands.
        if (delivery is null || !delivery.IsPending || delivery.Attempts.Count != payload.Attempt) return false;

        var redelivery = delivery.Redelivery;
        var next = delivery.RecordAttempt(startedAt, outcome, options.Value.Schedule, clock.UtcNow);
        if (next is { } due)
        {
            deliveries.ScheduleAttempt(delivery, due);
        }
        else
        {
            if (delivery.Status == WebhookDeliveryStatus.Failed && !redelivery) await RaiseAsync(delivery, cancellationToken);
            await streams.ReleaseNextAsync(delivery, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        if (delivery.Status == WebhookDeliveryStatus.Failed)
            log.LogWarning("Webhook delivery {DeliveryId} ({Type}) failed after {Attempts} attempts: {Error}",
                delivery.Id, delivery.EventType, delivery.Attempts.Count, outcome.Error);
        return true;
    }

    private async Task RaiseAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        // A failed delivery of a webhook exception's own event raises no new one: a dead receiver subscribed to
        // process_exception.* would otherwise feed itself an endless chain of exceptions.
        if (delivery.EventType.StartsWith("process_exception.", StringComparison.Ordinal) && delivery.Body.Contains("\"category\":\"webhook\"", StringComparison.Ordinal))
            return;
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        var orderId = await db.Orders.AnyAsync(o => o.Id == delivery.Subject, cancellationToken) ? delivery.Subject : null;
        var last = delivery.Attempts[^1];
        var message = $"Webhook delivery {delivery.Id} of {delivery.EventType} (event {delivery.EventId}) to {subscription.Url} failed after " +
            $"{delivery.Attempts.Count} attempts: {last.Error ?? $"HTTP {last.StatusCode}"} Redeliver it with POST /api/v1/webhook-deliveries/{delivery.Id}/redeliver.";
        if (message.Length > ProcessException.MessageMaxLength) message = message[..ProcessException.MessageMaxLength];
        exceptions.Raise(new NewProcessException(orderId, ProcessExceptionCategory.Webhook, ProcessExceptionSeverity.Medium, message), Actor);
    }
}
