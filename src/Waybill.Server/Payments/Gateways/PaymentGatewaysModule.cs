using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Waybill.Domain.Webhooks;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Gateways;

/// <summary>
/// Payment gateways' face: the registry of <see cref="IPaymentGateway"/>s, the public notifications endpoint under
/// <c>/api/v1/payment-gateways</c>, and the built-in <c>mock</c> gateway with its ledger and notification job
/// (docs/decisions/0031).
/// </summary>
public static class PaymentGatewaysModule
{
    public static IServiceCollection AddPaymentGateways(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddScoped<PaymentGateways>();
        services.AddScoped<PaymentNotificationReceiver>();
        // The payments module registers the handler that applies notifications; until then they are logged.
        services.TryAddScoped<IPaymentNotificationHandler, LoggingPaymentNotificationHandler>();
        services.AddMockGateway();
        services.AddSingleton<IPaymentGateway, ExchangeCreditGateway>();
        return services;
    }

    private static void AddMockGateway(this IServiceCollection services)
    {
        services.AddOptions<MockGatewayOptions>().BindConfiguration("Payments:Mock")
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (int.TryParse(configuration["WAYBILL_MOCK_GATEWAY_LATENCY_MS"], System.Globalization.CultureInfo.InvariantCulture, out var latency))
                    options.LatencyMs = latency;
                if (configuration["WAYBILL_MOCK_GATEWAY_SECRET"] is { Length: > 0 } secret) options.Secret = secret;
            })
            .Validate(o => o.Secret is null || WebhookSecret.IsWellFormed(o.Secret), "WAYBILL_MOCK_GATEWAY_SECRET is a whsec_ secret (whsec_ and the base64 of 24–64 bytes).")
            .Validate(o => o.LatencyMs >= 0 && o.MaxRetries >= 0 && o.AttemptTimeout > TimeSpan.Zero, "Payments:Mock needs a latency and retries of 0 or more and a positive attempt timeout.")
            .ValidateOnStart();
        services.AddSingleton<MockGatewaySecret>();
        services.AddSingleton<IPaymentGateway, MockGateway>();
        services.AddScoped<MockGatewayProcessor>();
        services.AddScoped<MockGatewayLedger>();
        services.AddJobHandler<MockGatewayNotifications>();

        services.AddHttpClient(MockGateway.ClientName, client =>
            {
                client.BaseAddress = MockGateway.BaseAddress;
                // The pipeline's attempt timeout and retries are what count.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => ActivatorUtilities.CreateInstance<MockGatewayHandler>(sp))
            .AddResilienceHandler("mock-gateway", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<MockGatewayOptions>>().Value;
                // No circuit breaker: one endpoint serves every scripted authorization, and a breaker opened by the
                // flaky and timing-out ones would fail the healthy ones too.
                if (options.MaxRetries > 0)
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryDelay,
                        ShouldRetryAfterHeader = false,
                    });
                pipeline.AddTimeout(options.AttemptTimeout);
            });
    }

    public static IEndpointRouteBuilder MapPaymentGateways(this IEndpointRouteBuilder routes)
    {
        var gateways = routes.MapGroup("/api/v1/payment-gateways").WithTags("Payments").WithStandardProblems();
        gateways.MapReceivePaymentNotification();
        return routes;
    }
}
