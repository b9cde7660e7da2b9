using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Webhooks;

/// <summary>
/// <c>POST /api/v1/webhook-subscriptions</c> <c>{ "url", "events": ["order.*"], "secret"? }</c> → 201 with the
/// subscription and its secret (generated when omitted); later reads never show the secret.
/// </summary>
public static class CreateWebhookSubscription
{
    public sealed record Request(string? Url, List<string?>? Events, string? Secret);

    public static RouteHandlerBuilder MapCreateWebhookSubscription(this RouteGroupBuilder subscriptions) => subscriptions
        .MapPost("/", Handle)
        .WithName("CreateWebhookSubscription");

    public static async Task<Created<WebhookSubscriptionResponse>> Handle(
        Request request, WaybillDb db, RequestCommit commit, AuditTrail audit, IIdGenerator ids, IClock clock, IOptions<WebhookOptions> options,
        LiveSubscriptions live, HttpContext http, CancellationToken cancellationToken)
    {
        var secret = request.Secret ?? WebhookSecret.From(RandomNumberGenerator.GetBytes(WebhookSecret.GeneratedBytes));
        var subscription = WebhookSubscription.Create(ids.NewId(), request.Url, request.Events, secret, options.Value.HttpsOnly, clock.UtcNow);
        db.WebhookSubscriptions.Add(subscription);
        audit.Record(WebhooksModule.AuditEntity, subscription.Id, "create", http.User.Actor(), null, null, null,
            new { subscription.Url, subscription.Events });
        var response = WebhookSubscriptionResponse.From(subscription, withSecret: true);
        var location = $"/api/v1/webhook-subscriptions/{subscription.Id}";
        await commit.SaveAsync(201, response, location, cancellationToken);
        live.Changed();
        return TypedResults.Created(location, response);
    }
}
