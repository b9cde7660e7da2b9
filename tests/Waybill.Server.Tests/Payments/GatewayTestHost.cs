using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Waybill.Domain.Payments.Mock;
using Waybill.Domain.Webhooks;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Payments;

/// <summary>Every notification that reached the payments side of one host, in arrival order.</summary>
public sealed class ReceivedNotifications
{
    public ConcurrentQueue<(string Gateway, GatewayNotification Notification)> Received { get; } = new();
}

/// <summary>Stands in for the payments module's handler: records what it is handed.</summary>
public sealed class RecordingNotificationHandler(ReceivedNotifications received) : IPaymentNotificationHandler
{
    public Task HandleAsync(string gateway, GatewayNotification notification, CancellationToken cancellationToken)
    {
        received.Received.Enqueue((gateway, notification));
        return Task.CompletedTask;
    }
}

/// <summary>A host with a known mock secret, quick retries and notifications, and the recording handler.</summary>
public static class GatewayTestHost
{
    public static readonly string Secret = WebhookSecret.From(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    public static void Configure(IWebHostBuilder web, int latencyMs = 0)
    {
        web.UseSetting("Jobs:PollInterval", "00:00:00.100");
        web.UseSetting("Payments:Mock:RetryDelay", "00:00:00.010");
        web.UseSetting("Payments:Mock:AsyncDelay", "00:00:00.300");
        web.UseSetting("WAYBILL_MOCK_GATEWAY_SECRET", Secret);
        web.UseSetting("WAYBILL_MOCK_GATEWAY_LATENCY_MS", latencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        web.ConfigureServices(services =>
        {
            services.AddSingleton<ReceivedNotifications>();
            services.RemoveAll<IPaymentNotificationHandler>();
            services.AddScoped<IPaymentNotificationHandler, RecordingNotificationHandler>();
        });
    }

    public static async Task<GatewayAnswer> CallAsync(this WaybillServer server, MockOperationKind operation, string reference, decimal amount,
        string? key = null, string currency = "USD")
    {
        using var scope = server.Services.CreateScope();
        var gateway = scope.ServiceProvider.GetRequiredService<PaymentGateways>().Find(MockGateway.GatewayName)!;
        var call = new GatewayCall(key ?? NewKey(), reference, amount, currency);
        return operation switch
        {
            MockOperationKind.Capture => await gateway.CaptureAsync(call, CancellationToken.None),
            MockOperationKind.Refund => await gateway.RefundAsync(call, CancellationToken.None),
            _ => await gateway.VoidAsync(call, CancellationToken.None),
        };
    }

    public static Task<GatewayAnswer> CaptureAsync(this WaybillServer server, string reference, decimal amount, string? key = null) =>
        server.CallAsync(MockOperationKind.Capture, reference, amount, key);

    public static Task<GatewayAnswer> RefundAsync(this WaybillServer server, string reference, decimal amount, string? key = null) =>
        server.CallAsync(MockOperationKind.Refund, reference, amount, key);

    public static async Task<T> LedgerAsync<T>(this WaybillServer server, Func<MockGatewayLedger, Task<T>> read)
    {
        using var scope = server.Services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<MockGatewayLedger>());
    }

    public static string NewKey() => "key_" + Guid.NewGuid().ToString("N");

    public static string Reference(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];
}

public sealed class GatewaySqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => GatewayTestHost.Configure(web);
}

public sealed class GatewayPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => GatewayTestHost.Configure(web);
}

/// <summary>A mock with 200 ms of latency on every call, as the benchmark runs it (at 20 ms).</summary>
public sealed class SlowGatewaySqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => GatewayTestHost.Configure(web, latencyMs: 200);
}

public sealed class SlowGatewayPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => GatewayTestHost.Configure(web, latencyMs: 200);
}
