using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using Waybill.Server.Tests.Payments;

namespace Waybill.Server.Tests.Orders;

/// <summary>
/// Direct returns through the API with the default flows on (decision 0034): the preview is the submit; the units come
/// back with their unit shares, restocked where they shipped from; the credit memo is refunded by flow 6 to the payment
/// that paid; racing refunds refund once; bad input changes nothing.
/// </summary>
public abstract class ReturnItemsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Body(string lineId, int quantity, bool restock = false, bool reduceShipping = false, string? reason = "too_small") => new()
    {
        ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = quantity, ["reason"] = reason }),
        ["reduceShipping"] = reduceShipping,
        ["restock"] = restock,
    };

    /// <summary>An order of <paramref name="quantity"/> units at 10.00 paid by <paramref name="payments"/>, all shipped, invoiced and paid.</summary>
    private async Task<(PaymentScenario Scenario, string OrderId, string LineId, JsonObject FulfillmentOrder)> ShippedAndPaidAsync(int quantity, params JsonObject[] payments)
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(quantity, payments);
        var shipment = await scenario.ShipAsync(fo, quantity);
        Assert.Equal("paid", (await scenario.SettledInvoiceOf(orderId, shipment["id"].Str()))["status"].Str());
        var order = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        return (scenario, orderId, order.LineOf("l1")["id"].Str(), fo);
    }

    private static string Reference(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private async Task<JsonObject> RefundedMemoOf(string orderId) =>
        Assert.Single(await PaymentScenario.Eventually(() => _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"),
            memos => memos.Count == 1 && memos[0]["status"].Str() == "refunded"));

    [Fact]
    public async Task A_return_after_payment_restocks_the_units_and_its_credit_memo_is_refunded_to_the_payment()
    {
        var (scenario, orderId, lineId, fo) = await ShippedAndPaidAsync(3, PaymentScenario.Payment(Reference("auth_ok_"), 30.00m));
        var location = fo["location"].Str();
        var sku = fo["lines"]![0]!["sku"].Str();
        Assert.Equal(0, (await _admin.AtLocation(sku, location)).OnHand);

        var answer = await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 1, restock: true))).Expect(HttpStatusCode.Created);
        Assert.Equal("return", answer["changeOrder"]!["type"].Str());
        var delta = Assert.Single(answer["changeOrder"]!["lines"]!.AsArray())!;
        Assert.Equal((-1, -10.00m, "too_small"), (delta["quantity"]!.GetValue<int>(), delta["totalDelta"].Dec(), delta["reason"].Str()));
        Assert.Equal((30.00m, 20.00m, 10.00m), (answer["totalsBefore"]!["grandTotalAmount"].Dec(), answer["totalsAfter"]!["grandTotalAmount"].Dec(),
            answer["refundableAmount"].Dec()));
        var memo = answer["creditMemo"]!;
        Assert.Equal(("open", 10.00m, 10.00m), (memo["status"].Str(), memo["totalAmount"].Dec(), memo["balance"].Dec()));
        // Restocked where it shipped from, in the same transaction.
        Assert.Equal(1, (await _admin.AtLocation(sku, location)).OnHand);

        // Flow 6 refunds the memo to the card that paid.
        var refunded = await RefundedMemoOf(orderId);
        Assert.Equal((memo["id"].Str(), 10.00m, 0m), (refunded["id"].Str(), refunded["refundedAmount"].Dec(), refunded["balance"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal(("partially_refunded", 30.00m, 10.00m), (payments["paymentStatus"].Str(), payments["summaries"]![0]!["capturedAmount"].Dec(),
            payments["summaries"]![0]!["refundedAmount"].Dec()));
        var refund = Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "refund")!;
        Assert.Equal(("success", 10.00m, memo["id"].Str()), (refund["result"].Str(), refund["amount"].Dec(), refund["creditMemoId"].Str()));
        await scenario.AssertMoneyAddsUp(orderId);

        var order = await _admin.GetOrder(orderId);
        Assert.Equal(("closed", 20.00m), (order["status"].Str(), order["totals"]!["grandTotalAmount"].Dec()));
        var line = order.LineOf("l1");
        Assert.Equal((1, 1, 2), (line["quantityReturned"]!.GetValue<int>(), line["quantityReturnInitiated"]!.GetValue<int>(), line["quantityAvailableToReturn"]!.GetValue<int>()));
        Assert.Equal(memo["id"].Str(), Assert.Single(order["creditMemos"]!.AsArray())!["id"].Str());
        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        Assert.Single(events, e => e["type"].Str() == "credit_memo.created");
        Assert.Contains(events, e => e["type"].Str() == "order.changed");
        // The feed holds back events while an older transaction runs (PostgreSQL): wait for the refund's.
        var refundedEvents = await _admin.AllEvents($"&subject={orderId}&types=payment.refunded", atLeast: 1);
        Assert.Single(refundedEvents, e => e["data"]!["creditMemoId"].Str() == memo["id"].Str());
        // The announcer reports stock changes on its own beat: wait for this SKU's.
        var announced = await PaymentScenario.Eventually(() => _admin.AllEvents("&types=inventory.availability_changed"),
            list => list.Any(e => e["data"]?["sku"]?.GetValue<string>() == sku));
        Assert.Contains(announced, e => e["data"]?["sku"]?.GetValue<string>() == sku);
    }

    [Fact]
    public async Task The_preview_is_the_submit_and_changes_nothing()
    {
        var (_, orderId, lineId, _) = await ShippedAndPaidAsync(2, PaymentScenario.Payment(Reference("auth_ok_"), 20.00m));
        var before = await _admin.GetOrder(orderId);
        var preview = await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns/preview", Body(lineId, 2))).Expect(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), (await _admin.GetOrder(orderId)).ToJsonString());
        Assert.Empty(await _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"));

        var submitted = await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 2))).Expect(HttpStatusCode.Created);
        Assert.Null(preview["changeOrder"]!["id"]);
        Assert.Null(preview["creditMemo"]!["id"]);
        foreach (var part in new[] { "totalsBefore", "totalsAfter", "refundableAmount" })
            Assert.Equal(preview[part]!.ToJsonString(), submitted[part]!.ToJsonString());
        Assert.Equal(preview["changeOrder"]!["lines"]!.ToJsonString(), submitted["changeOrder"]!["lines"]!.ToJsonString());
        foreach (var part in new[] { "lines", "totalAmount", "balance", "status" })
            Assert.Equal(preview["creditMemo"]![part]!.ToJsonString(), submitted["creditMemo"]![part]!.ToJsonString());
        Assert.Equal((20.00m, 0m), (submitted["refundableAmount"].Dec(), submitted["totalsAfter"]!["grandTotalAmount"].Dec()));
        Assert.Equal("returned", (await _admin.GetOrder(orderId)).LineOf("l1")["status"].Str());
        await RefundedMemoOf(orderId);
    }

    [Fact]
    public async Task Bad_input_is_refused_and_changes_nothing()
    {
        var (_, orderId, lineId, fo) = await ShippedAndPaidAsync(2, PaymentScenario.Payment(Reference("auth_ok_"), 20.00m));
        var before = await _admin.GetOrder(orderId);
        var problem = await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 3, restock: true))).ExpectProblem((HttpStatusCode)422, "quantity_not_returnable");
        Assert.Contains("2 units that can be returned", problem["detail"].Str(), StringComparison.Ordinal);
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns/preview", Body(lineId, 3))).ExpectProblem((HttpStatusCode)422, "quantity_not_returnable");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body("nope", 1))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 0))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 1, reason: "not a code!"))).ExpectFieldError("lines[0].reason");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", new JsonObject { ["lines"] = new JsonArray() })).ExpectFieldError("lines");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 1), ifMatch: "\"999\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        await (await _admin.PostJson("/api/v1/orders/nope/returns", Body(lineId, 1))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 1))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before.ToJsonString(), (await _admin.GetOrder(orderId)).ToJsonString());
        Assert.Empty(await _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"));
        Assert.Equal(0, (await _admin.AtLocation(fo["lines"]![0]!["sku"].Str(), fo["location"].Str())).OnHand);
        await (await _admin.GetAsync("/api/v1/credit-memos/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync("/api/v1/credit-memos?status=lost")).ExpectFieldError("status");
    }

    [Fact]
    public async Task Ensure_refunds_racing_on_one_credit_memo_refund_it_once_and_a_refunded_memo_takes_no_more()
    {
        // Captured at checkout on two cards: the memo's 20.00 is refunded from them however many callers race (flow 6 too).
        var (scenario, orderId, lineId, _) = await ShippedAndPaidAsync(4,
            PaymentScenario.Payment(Reference("auth_ok_"), 15.00m, captured: 15.00m), PaymentScenario.Payment(Reference("auth_ok_"), 25.00m, captured: 25.00m));
        var memo = (await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 2))).Expect(HttpStatusCode.Created))["creditMemo"]!;
        var memoId = memo["id"].Str();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _admin.PostJson($"/api/v1/credit-memos/{memoId}/ensure-refunds", null)));
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var refunded = await RefundedMemoOf(orderId);
        Assert.Equal(20.00m, refunded["refundedAmount"].Dec());
        var payments = await scenario.PaymentsOf(orderId);
        var refunds = payments["interactions"]!.AsArray().Where(i => i!["type"].Str() == "refund" && i["result"].Str() == "success").ToList();
        Assert.Equal(20.00m, refunds.Sum(r => r!["amount"].Dec()));
        Assert.Equal(20.00m, payments["summaries"]!.AsArray().Sum(s => s!["refundedAmount"].Dec()));
        // Exact match first: the 25.00 card has 25.00 to refund, the 15.00 card 15.00 — neither matches 20.00, so the largest.
        Assert.Equal(20.00m, Assert.Single(refunds)!["amount"].Dec());
        await scenario.AssertMoneyAddsUp(orderId, capturedAtCheckout: 40.00m);
        await (await _admin.PostJson($"/api/v1/credit-memos/{memoId}/ensure-refunds", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(20.00m, (await scenario.PaymentsOf(orderId))["summaries"]!.AsArray().Sum(s => s!["refundedAmount"].Dec()));
    }

    [Fact]
    public async Task A_memo_no_payment_can_take_stays_open_with_a_refund_process_exception()
    {
        // Paid at checkout by a card whose refunds decline (refunds follow the capture's prefix).
        var (_, orderId, lineId, _) = await ShippedAndPaidAsync(2, PaymentScenario.Payment(Reference("auth_decline_"), 20.00m, captured: 20.00m));
        var memoId = (await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 1))).Expect(HttpStatusCode.Created))["creditMemo"]!["id"].Str();
        var exceptions = await PaymentScenario.Eventually(() => _admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}"),
            list => list.Any(e => e["category"].Str() == "refund"));
        var exception = Assert.Single(exceptions, e => e["category"].Str() == "refund");
        Assert.Contains(memoId, exception["message"].Str(), StringComparison.Ordinal);
        var memo = await (await _admin.GetAsync($"/api/v1/credit-memos/{memoId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("open", 10.00m), (memo["status"].Str(), memo["balance"].Dec()));
        Assert.Equal("declined", Assert.Single((await (await _admin.GetAsync($"/api/v1/orders/{orderId}/payments")).Expect(HttpStatusCode.OK))["interactions"]!.AsArray(),
            i => i!["type"].Str() == "refund")!["result"].Str());
    }

    [Fact]
    public async Task Credit_memos_are_exported_for_the_erp()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (_, orderId, lineId, _) = await ShippedAndPaidAsync(2, PaymentScenario.Payment(Reference("auth_ok_"), 20.00m));
        var memoId = (await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", Body(lineId, 1))).Expect(HttpStatusCode.Created))["creditMemo"]!["id"].Str();
        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        var finance = await server.ClientWithRole("finance");
        var range = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var ndjson = await (await finance.GetAsync($"/api/v1/exports/credit-memos?{range}")).Content.ReadAsStringAsync();
        var exported = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).Single(m => m["id"].Str() == memoId);
        Assert.Equal((orderId, 10.00m), (exported["orderId"].Str(), exported["totalAmount"].Dec()));
        var csv = await finance.GetAsync($"/api/v1/exports/credit-memos?{range}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("credit_memo_id,order_id,change_order_id,", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.StartsWith(memoId + "," + orderId, StringComparison.Ordinal) && r.Contains(",product,too_small,1,10.00,", StringComparison.Ordinal));
        await (await finance.GetAsync("/api/v1/exports/credit-memos?format=xml")).ExpectFieldError("format");
    }
}

public sealed class ReturnItemsOnSqlite(PaymentFlowSqliteServer server) : ReturnItemsTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class ReturnItemsOnPostgres(PaymentFlowPostgresServer server) : ReturnItemsTests(server), IClassFixture<PaymentFlowPostgresServer>;
