using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Webhooks;

/// <summary>
/// Webhooks' face: subscriptions and their delivery log under <c>/api/v1/webhook-subscriptions</c>, redeliver under
/// <c>/api/v1/webhook-deliveries</c> (admin only), the <c>webhooks</c> event consumer, the send job and the
/// <c>send_webhook</c> flow action (docs/decisions/0017, 0018).
/// </summary>
public static class WebhooksModule
{
    internal const string AuditEntity = "webhook_subscription";
    internal const string DeliveryAuditEntity = "webhook_delivery";

    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks").PostConfigure<IConfiguration>((options, configuration) =>
        {
            if (bool.TryParse(configuration["WAYBILL_WEBHOOKS_HTTPS_ONLY"], out var httpsOnly)) options.HttpsOnly = httpsOnly;
        });
        services.AddScoped<WebhookDeliveries>();
        services.AddSingleton<LiveSubscriptions>();
        services.AddScoped<WebhookStreams>();
        services.AddScoped<WebhookSender>();
        services.AddEventConsumer<WebhookEventConsumer>();
        services.AddJobHandler<SendWebhook>();
        services.AddFlowAction<SendWebhookAction>();

        services.AddHttpClient(WebhookSender.ClientName, client =>
            {
                // The resilience pipeline's timeout is the one that counts (Webhooks:Timeout).
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Waybill-Webhooks/1");
            })
            // A redirect is an answer that is not 2xx: the receiver fixes its URL rather than Waybill posting elsewhere.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddResilienceHandler("webhook-attempt", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                pipeline.AddTimeout(options.Timeout);
            });
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        // Admins change webhooks; every key that may read sees them (api.md "Auth": viewers read every GET but api keys).
        // Reads never show a secret.
        var subscriptions = routes.MapGroup("/api/v1/webhook-subscriptions").WithTags("Webhooks").WithStandardProblems();
        subscriptions.MapCreateWebhookSubscription().RequireAuthorization(Policies.Admin);
        subscriptions.MapListWebhookSubscriptions().RequireAuthorization(Policies.Read);
        subscriptions.MapGetWebhookSubscription().RequireAuthorization(Policies.Read);
        subscriptions.MapDeleteWebhookSubscription().RequireAuthorization(Policies.Admin);
        subscriptions.MapListWebhookDeliveries().RequireAuthorization(Policies.Read);

        var deliveries = routes.MapGroup("/api/v1/webhook-deliveries").WithTags("Webhooks").WithStandardProblems()
            .RequireAuthorization(Policies.Admin);
        deliveries.MapRedeliverWebhook();
        return routes;
    }
}
