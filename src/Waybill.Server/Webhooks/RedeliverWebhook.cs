using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Webhooks;

/// <summary>
/// <c>POST /api/v1/webhook-deliveries/{id}/redeliver</c> → 200 with the delivery, pending again: one new attempt of a
/// delivered or failed delivery, with the same <c>webhook-id</c> and body. A pending one is 409 <c>invalid_transition</c>.
/// </summary>
public static class RedeliverWebhook
{
    public static RouteHandlerBuilder MapRedeliverWebhook(this RouteGroupBuilder deliveries) => deliveries
        .MapPost("/{id}/redeliver", Handle)
        .WithName("RedeliverWebhook");

    public static async Task<Ok<WebhookDeliveryResponse>> Handle(
        string id, WaybillDb db, WebhookDeliveries deliveries, RequestCommit commit, AuditTrail audit, IClock clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        // The log of a deleted subscription is gone from the API, and so are its deliveries.
        if (delivery is null || !await db.WebhookSubscriptions.AnyAsync(s => s.Id == delivery.SubscriptionId && s.DeletedAt == null, cancellationToken))
            throw new ProblemException(Problems.NotFound("webhook delivery", id));
        var from = delivery.Status;
        delivery.Redeliver(clock.UtcNow);
        deliveries.ScheduleAttempt(delivery, clock.UtcNow);
        audit.Record(WebhooksModule.DeliveryAuditEntity, delivery.Id, "redeliver", http.User.Actor(),
            Domain.Common.StatusNames.Of(from), Domain.Common.StatusNames.Of(delivery.Status), null);
        var response = WebhookDeliveryResponse.From(delivery);
        await commit.SaveAsync(200, response, null, cancellationToken);
        return TypedResults.Ok(response);
    }
}
