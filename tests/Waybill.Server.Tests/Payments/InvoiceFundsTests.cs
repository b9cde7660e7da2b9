using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Inventory;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// Order to cash through the default flows and the built-in mock gateway: what ships is invoiced (flow 4) and paid from
/// the unapplied balance and the authorizations; declines, retries, lost answers and asynchronous results end with the
/// money adding up.
/// </summary>
public abstract class InvoiceFundsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task Each_shipment_is_invoiced_for_its_units_and_captured_from_the_authorization()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(3, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 30.00m));

        var first = await scenario.ShipAsync(fo, 2);
        var invoice = await scenario.SettledInvoiceOf(orderId, first["id"].Str());
        Assert.Equal("paid", invoice["status"].Str());
        Assert.Equal(20.00m, invoice["totalAmount"].Dec());
        Assert.Equal(0m, invoice["balance"].Dec());
        var line = Assert.Single(invoice["lines"]!.AsArray(), l => l!["type"].Str() == "product")!;
        Assert.Equal((2, 20.00m), (line["quantity"]!.GetValue<int>(), line["totalAmount"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal("partially_paid", payments["paymentStatus"].Str());
        Assert.Equal(20.00m, payments["summaries"]![0]!["capturedAmount"].Dec());
        var capture = Assert.Single(payments["interactions"]!.AsArray())!;
        Assert.Equal(("capture", "success", 20.00m, invoice["id"].Str()), (capture["type"].Str(), capture["result"].Str(), capture["amount"].Dec(), capture["invoiceId"].Str()));

        var second = await scenario.ShipAsync(fo, 1);
        Assert.Equal(10.00m, (await scenario.SettledInvoiceOf(orderId, second["id"].Str()))["paidAmount"].Dec());
        payments = await scenario.PaymentsOf(orderId);
        Assert.Equal("paid", payments["paymentStatus"].Str());
        Assert.Equal(0m, payments["summaries"]![0]!["availableToCapture"].Dec());
        await scenario.AssertMoneyAddsUp(orderId);

        // Fulfilled and paid: flow 7 closes the order; its response lists both invoices.
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal(("closed", "paid"), (closed["status"].Str(), closed["paymentStatus"].Str()));
        Assert.Equal(2, closed["invoices"]!.AsArray().Count);

        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        Assert.Single(events, e => e["type"].Str() == "order.closed");
        Assert.Equal(2, events.Count(e => e["type"].Str() == "invoice.created"));
        Assert.Equal(2, events.Count(e => e["type"].Str() == "invoice.paid"));
        Assert.Equal(2, events.Count(e => e["type"].Str() == "payment.captured"));
        Assert.DoesNotContain(events, e => e["type"].Str() == "payment.failed");
    }

    [Fact]
    public async Task Money_captured_at_checkout_is_applied_before_anything_is_captured()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(3,
            PaymentScenario.Payment("gc_" + Guid.NewGuid().ToString("N")[..8], 15.00m, captured: 15.00m, method: "gift_card"),
            PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 15.00m));
        Assert.Equal(15.00m, (await scenario.PaymentsOf(orderId))["unappliedAmount"].Dec());

        var shipment = await scenario.ShipAsync(fo, 3);
        var invoice = await scenario.SettledInvoiceOf(orderId, shipment["id"].Str());
        Assert.Equal(("paid", 30.00m), (invoice["status"].Str(), invoice["paidAmount"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(0m, payments["unappliedAmount"].Dec());
        // Only the card's 15.00 went to the gateway.
        var capture = Assert.Single(payments["interactions"]!.AsArray())!;
        Assert.Equal(15.00m, capture["amount"].Dec());
        Assert.Equal(payments["summaries"]!.AsArray().Single(s => s!["method"].Str() == "card")!["id"].Str(), capture["paymentId"].Str());
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 15.00m);
    }

    [Fact]
    public async Task Money_captured_beyond_the_invoices_is_refunded_once_everything_shipped_and_the_order_closes()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        // A gift card charged 50.00 in full at checkout for a 30.00 order.
        var (orderId, fo) = await scenario.PlaceAsync(3,
            PaymentScenario.Payment("gc_" + Guid.NewGuid().ToString("N")[..8], 50.00m, captured: 50.00m, method: "gift_card"));
        var first = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 1))["id"].Str());
        Assert.Equal("paid", first["status"].Str());
        // 40.00 unapplied, of which the two units still to ship need 20.00: the other 20.00 is excess and flow 7 refunds it now.
        var afterFirst = await PaymentScenario.Eventually(() => scenario.PaymentsOf(orderId), p => p["unappliedAmount"].Dec() == 20.00m);
        Assert.Equal((20.00m, 20.00m), (afterFirst["unappliedAmount"].Dec(), afterFirst["summaries"]![0]!["refundedAmount"].Dec()));

        await scenario.ShipAsync(fo, 2);
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal(("closed", "partially_refunded"), (closed["status"].Str(), closed["paymentStatus"].Str()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(0m, payments["unappliedAmount"].Dec());
        var card = payments["summaries"]![0]!;
        Assert.Equal((50.00m, 20.00m), (card["capturedAmount"].Dec(), card["refundedAmount"].Dec()));
        var refund = Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "refund")!;
        Assert.Equal(("success", 20.00m), (refund["result"].Str(), refund["amount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 50.00m);
        Assert.Single(await _admin.AllEvents($"&subject={orderId}&types=payment.refunded", atLeast: 1));
    }

    [Fact]
    public async Task Canceling_units_paid_at_checkout_refunds_them_and_the_rest_ships_paid()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(3,
            PaymentScenario.Payment("gc_" + Guid.NewGuid().ToString("N")[..8], 30.00m, captured: 30.00m, method: "gift_card"));
        // Routing sent all three units to the warehouse; the location gives one back, which can then be canceled.
        await (await _admin.PostJson($"/api/v1/fulfillment-orders/{fo["id"].Str()}/cancel-lines",
            FulfillmentApi.Body(fo["lines"]![0]!["id"].Str(), 1, reason: null))).Expect(HttpStatusCode.OK);
        var lineId = (await _admin.GetOrder(orderId)).LineOf("l1")["id"].Str();
        var cancel = await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations",
            new JsonObject { ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = 1, ["reason"] = "customer_request" }) }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(10.00m, cancel["refundableAmount"].Dec());
        Assert.Null(cancel["creditMemo"]);

        // Flow 5 refunds the canceled unit's 10.00 to the gift card.
        var refunded = await PaymentScenario.Eventually(() => scenario.PaymentsOf(orderId), p => p["summaries"]![0]!["refundedAmount"].Dec() == 10.00m);
        Assert.Equal((10.00m, 20.00m), (refunded["summaries"]![0]!["refundedAmount"].Dec(), refunded["unappliedAmount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 30.00m);

        await scenario.ShipAsync(fo, 2);
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal(("closed", 20.00m), (closed["status"].Str(), closed["totals"]!["grandTotalAmount"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(0m, payments["unappliedAmount"].Dec());
        Assert.Equal(10.00m, payments["summaries"]![0]!["refundedAmount"].Dec());
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 30.00m);
    }

    [Fact]
    public async Task Excess_no_payment_can_take_back_raises_a_refund_exception_that_retry_tries_again()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        // 40.00 charged at checkout for a 30.00 order, on a card that declines every refund.
        var (orderId, fo) = await scenario.PlaceAsync(3,
            PaymentScenario.Payment("auth_decline_" + Guid.NewGuid().ToString("N")[..8], 40.00m, captured: 40.00m));
        await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 3))["id"].Str());
        var raised = await PaymentScenario.Eventually(() => _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}"),
            list => list.Any(e => e["category"].Str() == "refund"));
        var exception = Assert.Single(raised, e => e["category"].Str() == "refund");
        Assert.Contains("10.00", exception["message"].Str(), StringComparison.Ordinal);
        Assert.Equal("fulfilled", (await _admin.GetOrder(orderId))["status"].Str());

        // The card still declines: the exception stays open, with the outcome as a note; no second exception.
        var retried = await (await _admin.PostJson($"/api/v1/process-exceptions/{exception["id"].Str()}/retry", null)).Expect(HttpStatusCode.OK);
        Assert.NotEqual("resolved", retried["status"].Str());
        Assert.Contains(retried["notes"]!.AsArray(), n => n!["text"].Str().Contains("No payment can take back", StringComparison.Ordinal));
        Assert.Single(await _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}"), e => e["category"].Str() == "refund");
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal((0m, 10.00m), (payments["summaries"]![0]!["refundedAmount"].Dec(), payments["unappliedAmount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 40.00m);
    }

    [Fact]
    public async Task A_declined_capture_fails_the_invoice_with_a_process_exception_and_a_new_authorization_pays_it()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(2, PaymentScenario.Payment("auth_decline_" + Guid.NewGuid().ToString("N")[..8], 20.00m));
        var shipment = await scenario.ShipAsync(fo, 2);
        var invoice = await scenario.SettledInvoiceOf(orderId, shipment["id"].Str());
        Assert.Equal(("failed", 20.00m), (invoice["status"].Str(), invoice["balance"].Dec()));
        var exceptions = await _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}");
        var exception = Assert.Single(exceptions, e => e["category"].Str() == "payment");
        Assert.Contains(invoice["id"].Str(), exception["message"].Str(), StringComparison.Ordinal);
        Assert.Equal(1, (await _admin.GetOrder(orderId))["activeProcessExceptionCount"]!.GetValue<int>());
        var events = await _admin.AllEvents($"&subject={orderId}&types=payment.failed", atLeast: 1);
        Assert.Equal("declined", Assert.Single(events)["data"]!["interaction"]!["result"].Str());

        // The customer gives another card; ensure-funds tries the declined one first (an exact match, the earlier), then the new one.
        var added = await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments",
            PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 20.00m))).Expect(HttpStatusCode.Created);
        Assert.Equal(20.00m, added["availableToCapture"].Dec());
        var paid = await (await _admin.PostJson($"/api/v1/invoices/{invoice["id"].Str()}/ensure-funds", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(("paid", 0m), (paid["status"].Str(), paid["balance"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(20.00m, payments["summaries"]!.AsArray().Single(s => s!["id"].Str() == added["id"].Str())!["capturedAmount"].Dec());
        Assert.Equal(0m, payments["summaries"]!.AsArray().Single(s => s!["id"].Str() != added["id"].Str())!["capturedAmount"].Dec());
        await scenario.AssertMoneyAddsUp(orderId);

        // Paid is final: nothing is captured again. (Flow 7 asks to let go of the declined card's hold, which nothing needs now;
        // that card declines voids too, and is not asked again.)
        var problem = await (await _admin.PostJson($"/api/v1/invoices/{invoice["id"].Str()}/ensure-funds", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Contains("paid", problem["detail"].Str(), StringComparison.Ordinal);
        static int Captures(JsonObject p) => p["interactions"]!.AsArray().Count(i => i!["type"].Str() == "capture");
        Assert.Equal(Captures(payments), Captures(await scenario.PaymentsOf(orderId)));
        var afterVoid = await PaymentScenario.Eventually(() => scenario.PaymentsOf(orderId),
            p => p["interactions"]!.AsArray().Any(i => i!["type"].Str() == "void" && i["result"].Str() != "pending"));
        Assert.Equal("declined", Assert.Single(afterVoid["interactions"]!.AsArray(), i => i!["type"].Str() == "void")!["result"].Str());
    }

    [Fact]
    public async Task Ensure_funds_calls_racing_on_one_invoice_capture_it_once()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(2, PaymentScenario.Payment("auth_decline_" + Guid.NewGuid().ToString("N")[..8], 20.00m));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 2))["id"].Str());
        Assert.Equal("failed", invoice["status"].Str());
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments",
            PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 20.00m))).Expect(HttpStatusCode.Created);

        var finance = await server.ClientWithRole("finance");
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => finance.PostJson($"/api/v1/invoices/{invoice["id"].Str()}/ensure-funds", null)));
        // Each call either paid it or found it paid (409) — never a second capture.
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(20.00m, payments["summaries"]!.AsArray().Sum(s => s!["capturedAmount"].Dec()));
        Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "capture" && i["result"].Str() == "success");
        await scenario.AssertMoneyAddsUp(orderId);
    }

    [Fact]
    public async Task Excess_refunds_racing_refund_the_excess_once()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(1,
            PaymentScenario.Payment("gc_" + Guid.NewGuid().ToString("N")[..8], 15.00m, captured: 15.00m, method: "gift_card"),
            PaymentScenario.Payment("gc_" + Guid.NewGuid().ToString("N")[..8], 12.00m, captured: 12.00m, method: "gift_card"));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 1))["id"].Str());
        Assert.Equal("paid", invoice["status"].Str());
        // The invoice is paid: flow 7 refunds the 17.00 of excess; four more callers race it.
        var refunds = Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var scope = server.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Waybill.Server.Payments.Funds.ExcessFundsRefunds>().EnsureAsync(orderId, "test", CancellationToken.None);
        });
        await Task.WhenAll(refunds);
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal("closed", closed["status"].Str());
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(17.00m, payments["summaries"]!.AsArray().Sum(s => s!["refundedAmount"].Dec()));
        Assert.Equal(0m, payments["unappliedAmount"].Dec());
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 27.00m);
    }

    [Fact]
    public async Task The_process_exception_retry_ensures_funds_again()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(1, PaymentScenario.Payment("auth_expired_" + Guid.NewGuid().ToString("N")[..8], 10.00m));
        var shipment = await scenario.ShipAsync(fo, 1);
        var invoice = await scenario.SettledInvoiceOf(orderId, shipment["id"].Str());
        Assert.Equal("failed", invoice["status"].Str());
        var failed = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!;
        Assert.Equal(("declined", "authorization_expired"), (failed["result"].Str(), failed["code"].Str()));

        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments",
            PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 10.00m))).Expect(HttpStatusCode.Created);
        var exception = Assert.Single(await _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}"), e => e["category"].Str() == "payment");
        var retried = await (await _admin.PostJson($"/api/v1/process-exceptions/{exception["id"].Str()}/retry", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("resolved", retried["status"].Str());
        Assert.Equal("paid", (await (await _admin.GetAsync($"/api/v1/invoices/{invoice["id"].Str()}")).Expect(HttpStatusCode.OK))["status"].Str());
        await scenario.AssertMoneyAddsUp(orderId);
    }

    [Theory]
    [InlineData("auth_flaky_")]
    [InlineData("auth_timeout_")]
    public async Task A_gateway_that_fails_for_a_moment_or_loses_its_answer_captures_exactly_once(string prefix)
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = prefix + Guid.NewGuid().ToString("N")[..8];
        var (orderId, fo) = await scenario.PlaceAsync(2, PaymentScenario.Payment(reference, 20.00m));
        var shipment = await scenario.ShipAsync(fo, 2);
        var invoice = await scenario.SettledInvoiceOf(orderId, shipment["id"].Str());
        Assert.Equal("paid", invoice["status"].Str());
        var capture = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!;
        Assert.Equal(("success", 20.00m), (capture["result"].Str(), capture["amount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId);
        // The gateway's own books: one capture of 20.00 under the interaction's key, however many tries it took.
        using var scope = server.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<MockGatewayLedger>();
        Assert.Equal(20.00m, await ledger.CapturedAsync(reference));
        Assert.Equal(capture["id"].Str(), Assert.Single(await ledger.OperationsAsync(reference)).IdempotencyKey);
    }

    [Fact]
    public async Task An_expired_authorization_is_not_sent_to_the_gateway()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = "auth_ok_" + Guid.NewGuid().ToString("N")[..8];
        var payment = PaymentScenario.Payment(reference, 10.00m);
        payment["authorizationExpiresAt"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O");
        var (orderId, fo) = await scenario.PlaceAsync(1, payment);
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 1))["id"].Str());
        Assert.Equal("failed", invoice["status"].Str());
        var refused = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!;
        Assert.Equal(("declined", "authorization_expired"), (refused["result"].Str(), refused["code"].Str()));
        using var scope = server.Services.CreateScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<MockGatewayLedger>().OperationsAsync(reference));
        Assert.Single(await _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}"), e => e["category"].Str() == "payment");
    }

    [Fact]
    public async Task A_dispute_is_logged_on_the_order_once_and_raises_a_process_exception()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = "auth_ok_" + Guid.NewGuid().ToString("N")[..8];
        var (orderId, _) = await scenario.PlaceAsync(1, PaymentScenario.Payment(reference, 10.00m));
        var dispute = new JsonObject
        {
            ["id"] = "dsp_" + Guid.NewGuid().ToString("N"), ["type"] = "dispute.opened", ["idempotencyKey"] = null, ["paymentReference"] = reference,
            ["amount"] = 10.00m, ["currency"] = "USD", ["reference"] = "mock_dsp_1", ["message"] = "fraudulent", ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        await (await server.NotifyAsync(dispute)).Expect(HttpStatusCode.OK);
        // Gateways deliver at least once: the same notification again changes nothing.
        await (await server.NotifyAsync(dispute)).Expect(HttpStatusCode.OK);
        var logged = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!;
        Assert.Equal(("notification", "dispute", 10.00m), (logged["type"].Str(), logged["code"].Str(), logged["amount"].Dec()));
        var exception = Assert.Single(await _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}"), e => e["category"].Str() == "payment");
        Assert.Contains("dispute", exception["message"].Str(), StringComparison.Ordinal);
        Assert.Equal(0m, (await scenario.PaymentsOf(orderId))["summaries"]![0]!["capturedAmount"].Dec());

        // Badly signed: 401, nothing recorded.
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payment-gateways/mock/notifications")
        {
            Content = new StringContent(dispute.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        forged.Headers.Add("webhook-id", "ntf_forged");
        forged.Headers.Add("webhook-timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.Add("webhook-signature", "v1,AAAA");
        await (await server.Client(key: null).SendAsync(forged)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray());
    }

    [Fact]
    public async Task An_asynchronous_capture_pays_the_invoice_when_its_notification_arrives()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = "auth_async_" + Guid.NewGuid().ToString("N")[..8];
        var (orderId, fo) = await scenario.PlaceAsync(1, PaymentScenario.Payment(reference, 10.00m));
        var shipment = await scenario.ShipAsync(fo, 1);
        var invoice = await scenario.SettledInvoiceOf(orderId, shipment["id"].Str());
        Assert.Equal("paid", invoice["status"].Str());
        var interactions = (await scenario.PaymentsOf(orderId))["interactions"]!.AsArray();
        Assert.Contains(interactions, i => i!["type"].Str() == "capture" && i["result"].Str() == "success");
        var capture = Assert.Single(interactions, i => i!["type"].Str() == "capture")!;
        Assert.Single(interactions, i => i!["type"].Str() == "notification");

        // A second word on the same capture (another notification id) is logged and moves no money.
        var again = new JsonObject
        {
            ["id"] = "dup_" + Guid.NewGuid().ToString("N"), ["type"] = "capture.succeeded", ["idempotencyKey"] = capture["id"].Str(),
            ["paymentReference"] = reference, ["amount"] = 10.00m, ["currency"] = "USD", ["reference"] = "mock_dup", ["message"] = null,
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        await (await server.NotifyAsync(again)).Expect(HttpStatusCode.OK);
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(10.00m, payments["summaries"]![0]!["capturedAmount"].Dec());
        Assert.Equal(2, payments["interactions"]!.AsArray().Count(i => i!["type"].Str() == "notification"));
        await scenario.AssertMoneyAddsUp(orderId);
    }

    [Fact]
    public async Task The_ERP_export_lists_the_invoices_of_a_period_as_csv_and_ndjson()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(2, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 20.00m));
        var invoice = await scenario.SettledInvoiceOf(orderId, (await scenario.ShipAsync(fo, 2))["id"].Str());
        var period = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";

        var ndjson = await _admin.GetAsync($"/api/v1/exports/invoices?{period}&format=ndjson");
        Assert.Equal(HttpStatusCode.OK, ndjson.StatusCode);
        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType!.MediaType);
        var documents = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var exported = Assert.Single(documents, d => d["id"].Str() == invoice["id"].Str());
        Assert.Equal(invoice.ToJsonString(), exported.ToJsonString());

        var csv = await _admin.GetAsync($"/api/v1/exports/invoices?{period}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("invoice_id,order_id,shipment_id", rows[0], StringComparison.Ordinal);
        // One row per invoice line: the product line and the (free) delivery charge.
        var invoiceRows = rows.Where(r => r.StartsWith(invoice["id"].Str(), StringComparison.Ordinal)).Select(r => r.Split(',')).ToList();
        Assert.Equal(["delivery_charge", "product"], invoiceRows.Select(r => r[11]).Order(StringComparer.Ordinal));
        var row = invoiceRows.Single(r => r[11] == "product");
        Assert.Equal((orderId, "paid", "USD", "20.00", "product", "2"), (row[1], row[4], row[5], row[7], row[11], row[12]));

        // A period before the order holds none of its invoices.
        var before = $"from={Uri.EscapeDataString(from.AddDays(-2).ToString("O"))}&to={Uri.EscapeDataString(from.AddDays(-1).ToString("O"))}";
        Assert.DoesNotContain(invoice["id"].Str(), await (await _admin.GetAsync($"/api/v1/exports/invoices?{before}&format=csv")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await (await _admin.GetAsync("/api/v1/exports/invoices?format=csv")).ExpectFieldError("from");
        await (await _admin.GetAsync($"/api/v1/exports/invoices?{period}&format=xlsx")).ExpectFieldError("format");
        var backwards = $"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}&to={Uri.EscapeDataString(from.ToString("O"))}";
        await (await _admin.GetAsync($"/api/v1/exports/invoices?{backwards}")).ExpectFieldError("to");
        var agent = await server.ClientWithRole("agent");
        await (await agent.GetAsync($"/api/v1/exports/invoices?{period}")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Bad_input_is_refused_and_changes_nothing()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, _) = await scenario.PlaceAsync(1, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 10.00m));
        var before = await scenario.PaymentsOf(orderId);

        var unknownGateway = PaymentScenario.Payment("x_1", 5m);
        unknownGateway["gateway"] = "acme";
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments", unknownGateway)).ExpectFieldError("gateway");
        // Exchange credit is Waybill's own: no one can claim it as a payment.
        var exchangeCredit = PaymentScenario.Payment("x_2", 5m, captured: 5m);
        exchangeCredit["gateway"] = "exchange";
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments", exchangeCredit)).ExpectFieldError("gateway");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments", PaymentScenario.Payment("auth_ok_x", 5.001m))).ExpectFieldError("authorizedAmount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments", PaymentScenario.Payment("auth_ok_x", 5m, captured: 6m))).ExpectFieldError("capturedAmount");
        var noReference = PaymentScenario.Payment("", 5m);
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments", noReference)).ExpectFieldError("gatewayReference");
        await (await _admin.PostJson("/api/v1/orders/nope/payments", PaymentScenario.Payment("auth_ok_x", 5m))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.PostJson("/api/v1/invoices/nope/ensure-funds", null)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync("/api/v1/invoices?status=unpaid")).ExpectFieldError("status");

        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson($"/api/v1/orders/{orderId}/payments", PaymentScenario.Payment("auth_ok_x", 5m))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var agent = await server.ClientWithRole("agent");
        await (await agent.PostJson("/api/v1/invoices/nope/ensure-funds", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(before.ToJsonString(), (await scenario.PaymentsOf(orderId)).ToJsonString());
    }
}

public sealed class InvoiceFundsOnSqlite(PaymentFlowSqliteServer server) : InvoiceFundsTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class InvoiceFundsOnPostgres(PaymentFlowPostgresServer server) : InvoiceFundsTests(server), IClassFixture<PaymentFlowPostgresServer>;
