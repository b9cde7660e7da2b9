using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Webhooks;

/// <summary>
/// A stream is one subscription's deliveries of one subject (an order's events): they go one at a time, oldest first.
/// Deciding "is it my turn" and "whose turn is next" happen under the stream's lock, so a delivery never waits for an
/// older one that has just ended (docs/decisions/0018-webhook-order-per-order.md).
/// </summary>
public sealed class WebhookStreams(WaybillDb db, WebhookDeliveries deliveries, IClock clock)
{
    /// <summary>
    /// Takes the stream's lock for the rest of the caller's transaction: a PostgreSQL advisory lock on the stream's
    /// hash (a collision only makes two streams take turns). SQLite transactions already run one at a time.
    /// </summary>
    public async Task LockAsync(string subscriptionId, string subject, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return;
        var stream = subscriptionId + "/" + subject;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({stream}, 0))", cancellationToken);
    }

    /// <summary>Whether an older delivery of the stream is still pending, so this one must wait its turn.</summary>
    public Task<bool> HasOlderPendingAsync(WebhookDelivery delivery, CancellationToken cancellationToken) =>
        db.WebhookDeliveries.AnyAsync(d => d.SubscriptionId == delivery.SubscriptionId && d.Subject == delivery.Subject &&
            d.Status == WebhookDeliveryStatus.Pending && string.Compare(d.Id, delivery.Id) < 0, cancellationToken);

    /// <summary>
    /// <paramref name="ended"/> was delivered or failed: if the oldest pending delivery left in its stream is waiting,
    /// its attempt is due now.
    /// </summary>
    public async Task ReleaseNextAsync(WebhookDelivery ended, CancellationToken cancellationToken)
    {
        var next = await db.WebhookDeliveries
            .Where(d => d.SubscriptionId == ended.SubscriptionId && d.Subject == ended.Subject && d.Status == WebhookDeliveryStatus.Pending && d.Id != ended.Id)
            .OrderBy(d => d.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (next is not { Waiting: true }) return;
        next.Release(clock.UtcNow);
        deliveries.ScheduleAttempt(next, clock.UtcNow);
    }
}
