using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// What the gateway says after ensure-funds has finished, through the default flows and the mock: an asynchronous capture
/// declined by its notification hands the invoice to the order's other payments (and fails it only when none can pay),
/// and a scripted dispute or chargeback reaches the order's payments once, with a process exception.
/// </summary>
public abstract class LateGatewayWordTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static string Ref(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static List<JsonObject> Captures(JsonObject payments) =>
        [.. payments["interactions"]!.AsArray().Select(i => i!.AsObject()).Where(i => i["type"].Str() == "capture")];

    [Fact]
    public async Task A_capture_declined_by_its_notification_is_paid_by_the_next_payment()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        // Both match the 10.00 exactly; the earlier — the asynchronous one — is tried first.
        var asyncReference = Ref("auth_async_decline_");
        var (orderId, fo) = await scenario.PlaceAsync(1, PaymentScenario.Payment(asyncReference, 10.00m), PaymentScenario.Payment(Ref("auth_ok_"), 10.00m));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 1))["id"].Str());

        Assert.Equal(("paid", 0m), (invoice["status"].Str(), invoice["balance"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        var summaries = payments["summaries"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var declining = summaries.Single(s => s["gatewayReference"].Str() == asyncReference);
        var other = summaries.Single(s => s["gatewayReference"].Str() != asyncReference);
        Assert.Equal((0m, 10.00m), (declining["capturedAmount"].Dec(), other["capturedAmount"].Dec()));
        var captures = Captures(payments);
        Assert.Equal(2, captures.Count);
        Assert.Equal("declined", captures.Single(c => c["paymentId"].Str() == declining["id"].Str())["result"].Str());
        Assert.Equal("success", captures.Single(c => c["paymentId"].Str() == other["id"].Str())["result"].Str());
        Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "notification" && i["code"].Str() == "capture_result:declined");
        // Another payment paid it: nobody has anything to do.
        Assert.Empty(await _admin.ReadAllExceptions(orderId));
        await scenario.AssertMoneyAddsUp(orderId);
        var events = await _admin.AllEvents($"&subject={orderId}&types=payment.failed,payment.captured,invoice.paid", atLeast: 3);
        Assert.Equal(["payment.failed", "payment.captured", "invoice.paid"], events.Select(e => e["type"].Str()));
    }

    [Fact]
    public async Task A_capture_declined_by_its_notification_fails_the_invoice_once_when_nothing_else_covers_it_and_a_new_authorization_pays_it()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(1, PaymentScenario.Payment(Ref("auth_async_decline_"), 10.00m));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 1))["id"].Str());
        Assert.Equal(("failed", 10.00m), (invoice["status"].Str(), invoice["balance"].Dec()));
        var exception = Assert.Single(await PaymentScenario.Eventually(() => _admin.ReadAllExceptions(orderId), l => l.Count > 0),
            e => e["category"].Str() == "payment");
        Assert.Contains(invoice["id"].Str(), exception["message"].Str(), StringComparison.Ordinal);

        // No loop: the declining payment is not picked again by the run after its decline (pending → declined → pending …).
        await Task.Delay(1500);
        var capture = Assert.Single(Captures(await scenario.PaymentsOf(orderId)));
        Assert.Equal("declined", capture["result"].Str());
        Assert.Single(await _admin.ReadAllExceptions(orderId));

        // A new authorization, and the exception's retry pays the invoice from it — the declined one is not asked again.
        var added = await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments", PaymentScenario.Payment(Ref("auth_ok_"), 10.00m)))
            .Expect(HttpStatusCode.Created);
        var retried = await (await _admin.PostJson($"/api/v1/process-exceptions/{exception["id"].Str()}/retry", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("resolved", retried["status"].Str());
        Assert.Equal("paid", (await (await _admin.GetAsync($"/api/v1/invoices/{invoice["id"].Str()}")).Expect(HttpStatusCode.OK))["status"].Str());
        var captures = Captures(await scenario.PaymentsOf(orderId));
        Assert.Equal(2, captures.Count);
        Assert.Equal(("success", 10.00m), (captures.Single(c => c["paymentId"].Str() == added["id"].Str())["result"].Str(),
            captures.Single(c => c["paymentId"].Str() == added["id"].Str())["amount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId);
    }

    [Theory]
    [InlineData("auth_dispute_", "dispute", "dispute.opened")]
    [InlineData("auth_chargeback_", "chargeback", "chargeback.created")]
    public async Task A_scripted_dispute_reaches_the_order_once_with_a_process_exception(string prefix, string what, string notificationType)
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = Ref(prefix);
        var (orderId, fo) = await scenario.PlaceAsync(2, PaymentScenario.Payment(reference, 20.00m));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 2))["id"].Str());
        // The capture itself succeeds.
        Assert.Equal("paid", invoice["status"].Str());

        var payments = await PaymentScenario.Eventually(() => scenario.PaymentsOf(orderId),
            p => p["interactions"]!.AsArray().Any(i => i!["type"].Str() == "notification"));
        var logged = Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "notification")!;
        Assert.Equal((what, 20.00m), (logged["code"].Str(), logged["amount"].Dec()));
        Assert.Equal(payments["summaries"]![0]!["id"].Str(), logged["paymentId"].Str());
        var exceptions = await PaymentScenario.Eventually(() => _admin.ReadAllExceptions(orderId), l => l.Count > 0);
        var exception = Assert.Single(exceptions, e => e["category"].Str() == "payment");
        Assert.Contains(what, exception["message"].Str(), StringComparison.Ordinal);
        Assert.Contains(reference, exception["message"].Str(), StringComparison.Ordinal);

        // Once: the mock delivered it once, and a gateway's repeat of the same notification is recognised by its id.
        using (var scope = server.Services.CreateScope())
        {
            var capture = Assert.Single(await scope.ServiceProvider.GetRequiredService<MockGatewayLedger>().OperationsAsync(reference));
            Assert.Equal(20.00m, capture.Amount);
        }
        var repeat = new JsonObject
        {
            ["id"] = logged["id"].Str()["mock:".Length..], ["type"] = notificationType, ["idempotencyKey"] = null, ["paymentReference"] = reference,
            ["amount"] = 20.00m, ["currency"] = "USD", ["reference"] = "mock_repeat", ["message"] = "again", ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        await (await server.NotifyAsync(repeat)).Expect(HttpStatusCode.OK);
        await Task.Delay(500);
        payments = await scenario.PaymentsOf(orderId);
        Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "notification");
        Assert.Single(await _admin.ReadAllExceptions(orderId), e => e["category"].Str() == "payment");
        // A dispute moves no money by itself: the capture stands until a person acts.
        Assert.Equal(20.00m, payments["summaries"]![0]!["capturedAmount"].Dec());
        await scenario.AssertMoneyAddsUp(orderId);
    }
}

public sealed class LateGatewayWordOnSqlite(PaymentFlowSqliteServer server) : LateGatewayWordTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class LateGatewayWordOnPostgres(PaymentFlowPostgresServer server) : LateGatewayWordTests(server), IClassFixture<PaymentFlowPostgresServer>;
