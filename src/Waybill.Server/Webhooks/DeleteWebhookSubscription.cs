using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Webhooks;

/// <summary>
/// <c>DELETE /api/v1/webhook-subscriptions/{id}</c> → 204: no further event is delivered to it, and its pending deliveries
/// end <c>failed</c> without another attempt (an attempt already on the wire finishes, its outcome is dropped).
/// </summary>
public static class DeleteWebhookSubscription
{
    public static RouteHandlerBuilder MapDeleteWebhookSubscription(this RouteGroupBuilder subscriptions) => subscriptions
        .MapDelete("/{id}", Handle)
        .WithName("DeleteWebhookSubscription");

    public const string Reason = "The subscription was deleted.";

    public static async Task<NoContent> Handle(
        string id, WaybillDb db, RequestCommit commit, AuditTrail audit, IClock clock, LiveSubscriptions live, HttpContext http, CancellationToken cancellationToken)
    {
        await commit.InTransactionAsync(async () =>
        {
            var subscription = await GetWebhookSubscription.LiveAsync(db, id, cancellationToken);
            var now = clock.UtcNow;
            subscription.Delete(now);
            audit.Record(WebhooksModule.AuditEntity, subscription.Id, "delete", http.User.Actor(), null, null, null);
            await db.SaveChangesAsync(cancellationToken);
            // One statement instead of loading a dead receiver's backlog; the send jobs find these ended and do nothing.
            await db.WebhookDeliveries
                .Where(d => d.SubscriptionId == id && d.Status == WebhookDeliveryStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, WebhookDeliveryStatus.Failed)
                    .SetProperty(d => d.Waiting, false)
                    .SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null)
                    .SetProperty(d => d.CompletedAt, now)
                    .SetProperty(d => d.FailureReason, Reason)
                    .SetProperty(d => d.Version, d => d.Version + 1), cancellationToken);
            return true;
        }, cancellationToken);
        live.Changed();
        return TypedResults.NoContent();
    }
}
