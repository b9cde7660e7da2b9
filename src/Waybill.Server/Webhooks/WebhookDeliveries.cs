using System.Text.Json;
using Waybill.Domain.Common;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Webhooks;

/// <summary>
/// Makes deliveries and schedules their attempts as jobs, in the caller's unit of work: the event consumer, a flow's
/// <c>send_webhook</c> and redeliver all go through here, so no HTTP call ever runs inside their transaction.
/// </summary>
public sealed class WebhookDeliveries(WaybillDb db, JobScheduler jobs, IIdGenerator ids, IClock clock)
{
    public const string SubscriptionOrigin = "subscription";

    /// <summary>The body of a delivery of <paramref name="e"/>: the CloudEvent exactly as <c>GET /api/v1/events</c> serves it.</summary>
    public static string BodyOf(DispatchedEvent e) => JsonSerializer.Serialize(e.ToCloudEvent(), WaybillJson.Options);

    /// <param name="id">The delivery's id (its webhook-id), when the body already names it; a new one otherwise.</param>
    public WebhookDelivery Add(WebhookSubscription subscription, DispatchedEvent e, string body, string origin, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(e);
        var delivery = WebhookDelivery.Create(id ?? ids.NewId(), subscription.Id, e.Id, e.Type, e.Subject, body, origin, clock.UtcNow);
        db.WebhookDeliveries.Add(delivery);
        ScheduleAttempt(delivery, clock.UtcNow);
        return delivery;
    }

    /// <summary>A job that makes the delivery's next attempt at <paramref name="dueAt"/> (it first checks the delivery's turn).</summary>
    public void ScheduleAttempt(WebhookDelivery delivery, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        jobs.Schedule(SendWebhook.JobKind,
            new SendWebhook.Payload(delivery.Id, delivery.SubscriptionId, delivery.Subject, delivery.Attempts.Count), dueAt, delivery.Id);
    }
}
