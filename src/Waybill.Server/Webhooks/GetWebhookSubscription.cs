using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Webhooks;

/// <summary><c>GET /api/v1/webhook-subscriptions/{id}</c>; a deleted subscription is not found.</summary>
public static class GetWebhookSubscription
{
    public static RouteHandlerBuilder MapGetWebhookSubscription(this RouteGroupBuilder subscriptions) => subscriptions
        .MapGet("/{id}", Handle)
        .WithName("GetWebhookSubscription");

    public static async Task<Ok<WebhookSubscriptionResponse>> Handle(string id, WaybillDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookSubscriptionResponse.From(await LiveAsync(db, id, cancellationToken, tracked: false)));

    /// <summary>The subscription, unless it does not exist or was deleted (404 either way).</summary>
    internal static async Task<WebhookSubscription> LiveAsync(WaybillDb db, string id, CancellationToken cancellationToken, bool tracked = true)
    {
        var query = tracked ? db.WebhookSubscriptions : db.WebhookSubscriptions.AsNoTracking();
        return await query.FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("webhook subscription", id));
    }
}
