using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Domain.Payments.Mock;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// A capture answered <c>pending</c> whose notification never comes (the mock's is due in an hour): the settle job asks
/// again with the same key, and past <c>Payments:PendingDeadline</c> (3 s here) gives up on it — an error with code
/// <c>no_outcome</c> — and fails the invoice with a payment process exception. The retry asks again with the same key,
/// never anew, so the gateway can never capture twice; a late outcome is still taken.
/// </summary>
public abstract class PendingDeadlineTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<(PaymentScenario Scenario, string OrderId, string Reference, JsonObject Invoice, JsonObject Capture)> GivenUpAsync()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = "auth_async_" + Guid.NewGuid().ToString("N")[..8];
        var (orderId, fo) = await scenario.PlaceAsync(1, PaymentScenario.Payment(reference, 10.00m));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 1))["id"].Str());
        Assert.Equal(("failed", 10.00m), (invoice["status"].Str(), invoice["balance"].Dec()));
        var capture = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!.AsObject();
        Assert.Equal(("capture", "error", "no_outcome"), (capture["type"].Str(), capture["result"].Str(), capture["code"].Str()));
        // Given up on only past the deadline, not at the first look (a second after the call).
        Assert.True(capture["at"]!.GetValue<DateTimeOffset>() - capture["requestedAt"]!.GetValue<DateTimeOffset>() >= TimeSpan.FromSeconds(2.9));
        return (scenario, orderId, reference, invoice, capture);
    }

    private async Task<MockGatewayOperation> OnlyOperationAsync(string reference)
    {
        using var scope = server.Services.CreateScope();
        return Assert.Single(await scope.ServiceProvider.GetRequiredService<MockGatewayLedger>().OperationsAsync(reference));
    }

    private static JsonObject Succeeded(string key, string reference) => new()
    {
        ["id"] = "ntf_late_" + Guid.NewGuid().ToString("N"), ["type"] = "capture.succeeded", ["idempotencyKey"] = key, ["paymentReference"] = reference,
        ["amount"] = 10.00m, ["currency"] = "USD", ["reference"] = "mock_cap_late", ["message"] = null, ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
    };

    [Fact]
    public async Task A_pending_capture_past_its_deadline_fails_the_invoice_and_the_retry_asks_again_with_the_same_key()
    {
        var (scenario, orderId, reference, invoice, capture) = await GivenUpAsync();
        var exception = Assert.Single(await _admin.ReadAllExceptions(orderId), e => e["category"].Str() == "payment");
        Assert.Contains(invoice["id"].Str(), exception["message"].Str(), StringComparison.Ordinal);
        var asked = await OnlyOperationAsync(reference);
        // The settle job asked again with the call's key before giving up: one request at the gateway, tried more than once.
        Assert.Equal(capture["id"].Str(), asked.IdempotencyKey);
        Assert.True(asked.Tries >= 2, $"tried {asked.Tries} times");

        // The retry asks the gateway again with the same key (it may have captured meanwhile), not a new capture.
        var retried = await (await _admin.PostJson($"/api/v1/process-exceptions/{exception["id"].Str()}/retry", null)).Expect(HttpStatusCode.OK);
        Assert.NotEqual("resolved", retried["status"].Str());
        var again = await OnlyOperationAsync(reference);
        Assert.Equal((capture["id"].Str(), asked.Tries + 1), (again.IdempotencyKey, again.Tries));
        var reopened = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!;
        Assert.Equal((capture["id"].Str(), "pending"), (reopened["id"].Str(), reopened["result"].Str()));
        // Still pending at the gateway: it is given up on again past the deadline, and the invoice stays failed, once.
        await PaymentScenario.Eventually(() => scenario.PaymentsOf(orderId),
            p => p["interactions"]![0]!["result"].Str() == "error", seconds: 15);
        Assert.Single(await _admin.ReadAllExceptions(orderId), e => e["category"].Str() == "payment");

        // The gateway's word, however late, pays the invoice from that one capture.
        await (await server.NotifyAsync(Succeeded(capture["id"].Str(), reference))).Expect(HttpStatusCode.OK);
        Assert.Equal("paid", (await (await _admin.GetAsync($"/api/v1/invoices/{invoice["id"].Str()}")).Expect(HttpStatusCode.OK))["status"].Str());
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(10.00m, payments["summaries"]![0]!["capturedAmount"].Dec());
        var settled = Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "capture")!;
        Assert.Equal((capture["id"].Str(), "success"), (settled["id"].Str(), settled["result"].Str()));
        await OnlyOperationAsync(reference);
        await scenario.AssertMoneyAddsUp(orderId);
    }
}

public sealed class PendingDeadlineOnSqlite(PendingDeadlineSqliteServer server) : PendingDeadlineTests(server), IClassFixture<PendingDeadlineSqliteServer>;

public sealed class PendingDeadlineOnPostgres(PendingDeadlinePostgresServer server) : PendingDeadlineTests(server), IClassFixture<PendingDeadlinePostgresServer>;

/// <summary>The mock's asynchronous results come an hour late; the settle job looks after a second and gives up after three.</summary>
public static class PendingDeadlineHost
{
    public static void Configure(IWebHostBuilder web)
    {
        PaymentFlowHost.Configure(web);
        web.UseSetting("Payments:Mock:AsyncDelay", "01:00:00");
        web.UseSetting("Payments:SettleAfter", "00:00:01");
        web.UseSetting("Payments:PendingDeadline", "00:00:03");
    }
}

public sealed class PendingDeadlineSqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => PendingDeadlineHost.Configure(web);
}

public sealed class PendingDeadlinePostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => PendingDeadlineHost.Configure(web);
}
