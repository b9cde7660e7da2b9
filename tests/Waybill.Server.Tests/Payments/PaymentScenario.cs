using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// Orders that go the whole way with the default flows: captured, approved, routed to one warehouse (stock for them
/// sits there), shipped through the API, then invoiced and paid by flow 4 through the built-in mock gateway.
/// </summary>
public sealed class PaymentScenario(HttpClient admin, RoutingScenario network)
{
    public HttpClient Admin { get; } = admin;

    public static async Task<PaymentScenario> CreateAsync(HttpClient admin) => new(admin, await RoutingScenario.CreateAsync(admin));

    /// <summary>A payment as a channel sends it (the mock gateway acts by the reference's prefix).</summary>
    public static JsonObject Payment(string reference, decimal authorized, decimal captured = 0m, string method = "card") => new()
    {
        ["method"] = method, ["gateway"] = "mock", ["gatewayReference"] = reference, ["authorizedAmount"] = authorized, ["capturedAmount"] = captured,
    };

    /// <summary>
    /// Captures an order of <paramref name="quantity"/> units at 10.00 (no tax, no delivery charge: the total is 10 ×
    /// quantity) paid by <paramref name="payments"/>, and waits until the flows have sent it to a fulfillment order.
    /// Returns the order id and the fulfillment order.
    /// </summary>
    public async Task<(string OrderId, JsonObject FulfillmentOrder)> PlaceAsync(int quantity, params JsonObject[] payments)
    {
        var sku = NewSku("PAY");
        await Admin.PutStock(network.Chicago, sku, quantity);
        var body = network.Order(RoutingScenario.Line("l1", sku, quantity));
        var unique = Guid.NewGuid().ToString("N")[..10];
        // Its own email and address: the fraud check's velocity rules never count the other tests' orders.
        body["customer"]!["email"] = $"pay{unique}@example.com";
        body["customer"]!.AsObject().Remove("externalId");
        body["deliveryGroups"]![0]!["shippingAddress"]!["line1"] = $"{Random.Shared.Next(1, 99999)} Pay{unique} St";
        body["payments"] = new JsonArray([.. payments]);
        var order = await (await Admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        var orderId = order["id"].Str();
        var fos = await Eventually(() => Admin.FulfillmentOrdersOf(orderId), f => f.Count == 1);
        return (orderId, Assert.Single(fos));
    }

    public async Task<JsonObject> ShipAsync(JsonObject fulfillmentOrder, int quantity) =>
        await Admin.Ship(fulfillmentOrder["id"].Str(), (fulfillmentOrder["lines"]![0]!["id"].Str(), quantity));

    public async Task<List<JsonObject>> InvoicesOf(string orderId) => await Admin.ReadAll($"/api/v1/invoices?orderId={orderId}");

    /// <summary>The shipment's invoice once flow 4 has settled it (paid or failed, not open).</summary>
    public async Task<JsonObject> SettledInvoiceOf(string orderId, string shipmentId)
    {
        var invoices = await Eventually(() => InvoicesOf(orderId),
            list => list.Any(i => i["shipmentId"]?.GetValue<string>() == shipmentId && i["status"].Str() != "open"));
        return Assert.Single(invoices, i => i["shipmentId"]?.GetValue<string>() == shipmentId);
    }

    public async Task<JsonObject> PaymentsOf(string orderId) =>
        await (await Admin.GetAsync($"/api/v1/orders/{orderId}/payments")).Expect(HttpStatusCode.OK);

    /// <summary>
    /// The money invariant of domain.md on what the API shows: Σ captured − Σ refunded = Σ invoices paid − Σ credit memos
    /// refunded + unapplied; captured ≤ authorized and refunded ≤ captured per payment; each successful capture in the
    /// log adds up to the summaries' captured amounts beyond what was captured at checkout.
    /// </summary>
    public async Task AssertMoneyAddsUp(string orderId, decimal capturedAtCheckout = 0m)
    {
        var payments = await PaymentsOf(orderId);
        var summaries = payments["summaries"]!.AsArray().Select(s => s!.AsObject()).ToList();
        foreach (var s in summaries)
        {
            Assert.True(s["capturedAmount"].Dec() <= s["authorizedAmount"].Dec());
            Assert.True(s["refundedAmount"].Dec() <= s["capturedAmount"].Dec());
        }
        var captured = summaries.Sum(s => s["capturedAmount"].Dec());
        var refunded = summaries.Sum(s => s["refundedAmount"].Dec());
        var paid = (await InvoicesOf(orderId)).Sum(i => i["paidAmount"].Dec());
        var memosRefunded = (await Admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}")).Sum(m => m["refundedAmount"].Dec());
        Assert.Equal(captured - refunded, paid - memosRefunded + payments["unappliedAmount"].Dec());
        var logged = payments["interactions"]!.AsArray()
            .Where(i => i!["type"].Str() == "capture" && i["result"].Str() == "success").Sum(i => i!["amount"].Dec());
        Assert.Equal(captured - capturedAtCheckout, logged);
    }

    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }
}

/// <summary>The default flows on (FlowTestHost), and the mock gateway quick and with a known secret, so a test can sign notifications.</summary>
public static class PaymentFlowHost
{
    public static void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder web)
    {
        Automation.FlowTestHost.Configure(web);
        web.UseSetting("Payments:Mock:RetryDelay", "00:00:00.010");
        web.UseSetting("Payments:Mock:AsyncDelay", "00:00:00.300");
        web.UseSetting("WAYBILL_MOCK_GATEWAY_SECRET", GatewayTestHost.Secret);
    }

    /// <summary>Posts a notification signed as the mock gateway signs them.</summary>
    public static async Task<HttpResponseMessage> NotifyAsync(this WaybillServer server, JsonObject body)
    {
        var id = "ntf_" + Guid.NewGuid().ToString("N");
        var text = body.ToJsonString();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payment-gateways/mock/notifications")
        {
            Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Domain.Webhooks.WebhookSignature.Sign(GatewayTestHost.Secret, id, timestamp, text));
        return await server.Client(key: null).SendAsync(request);
    }
}

public class PaymentFlowSqliteServer : SqliteServer
{
    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder web) => PaymentFlowHost.Configure(web);
}

public class PaymentFlowPostgresServer : PostgresServer
{
    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder web) => PaymentFlowHost.Configure(web);
}

/// <summary>
/// The mock's client gives up at the first lost answer (no retries) and the settle job looks again after a second: an
/// outcome the gateway never gave must stay open until the job asks again with the same key.
/// </summary>
public class LostAnswerSqliteServer : SqliteServer
{
    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder web) => LostAnswerHost.Configure(web);
}

public class LostAnswerPostgresServer : PostgresServer
{
    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder web) => LostAnswerHost.Configure(web);
}

public static class LostAnswerHost
{
    public static void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder web)
    {
        PaymentFlowHost.Configure(web);
        web.UseSetting("Payments:Mock:MaxRetries", "0");
        web.UseSetting("Payments:SettleAfter", "00:00:01");
    }
}
