using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;

namespace Waybill.Server.Webhooks;

/// <summary>
/// The dispatcher's <c>webhooks</c> consumer: for each event, one delivery per subscription that wants it, each with its
/// first attempt scheduled as a job — rows only, one transaction, no HTTP — so a slow receiver never holds back the
/// dispatcher, the flows or another subscriber.
/// </summary>
public sealed class WebhookEventConsumer(WaybillDb db, WebhookDeliveries deliveries, RequestCommit commit, LiveSubscriptions live) : IEventConsumer
{
    public const string ConsumerName = "webhooks";
    public string Name => ConsumerName;

    public async Task HandleAsync(DispatchedEvent e, CancellationToken cancellationToken)
    {
        // A subscription receives the events written from its creation on, not the outbox's history.
        var subscriptions = await live.ForEventAsync(db, e.Sequence, cancellationToken);
        var wanting = subscriptions.Where(s => s.CreatedAt <= e.Time && s.Wants(e.Type)).ToList();
        if (wanting.Count == 0) return;

        // At least once: an event handed over again finds its deliveries already made.
        var done = await db.WebhookDeliveries
            .Where(d => d.EventId == e.Id && d.Origin == WebhookDeliveries.SubscriptionOrigin)
            .Select(d => d.SubscriptionId)
            .ToListAsync(cancellationToken);
        var body = WebhookDeliveries.BodyOf(e);
        foreach (var subscription in wanting.Where(s => !done.Contains(s.Id)))
            deliveries.Add(subscription, e, body, WebhookDeliveries.SubscriptionOrigin);
        await commit.SaveAsync(200, (object?)null, null, cancellationToken);
    }
}
