using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using Waybill.Server.Tests.Payments;

namespace Waybill.Server.Tests.Orders;

/// <summary>
/// Exchanges through the API with the default flows on (decision 0037): a return order for the units coming back, and an
/// exchange order for the new ones, paid by the returned value; the flows approve, route, invoice and pay it; the receipt
/// credits only what the exchange order did not use; a dearer replacement is invoiced for the difference.
/// </summary>
public abstract class ExchangeTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private sealed record Original(PaymentScenario Scenario, string OrderId, string LineId, string Location, string Sku, string CustomerId);

    /// <summary>An order of <paramref name="quantity"/> units at 10.00, all shipped, invoiced, paid and closed.</summary>
    private async Task<Original> ShippedAndPaidAsync(int quantity)
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(quantity, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 10.00m * quantity));
        var shipment = await scenario.ShipAsync(fo, quantity);
        Assert.Equal("paid", (await scenario.SettledInvoiceOf(orderId, shipment["id"].Str()))["status"].Str());
        var order = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        return new Original(scenario, orderId, order.LineOf("l1")["id"].Str(), fo["location"].Str(), fo["lines"]![0]!["sku"].Str(),
            order["customer"]!["id"].Str());
    }

    private static JsonObject Body(string lineId, int quantity, string sku, int newQuantity, decimal? unitPrice = null, string? deliveryGroupId = null)
    {
        var newLine = new JsonObject { ["sku"] = sku, ["quantity"] = newQuantity };
        if (unitPrice is { } price) newLine["unitPrice"] = price;
        return new JsonObject
        {
            ["returnLines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = quantity, ["reason"] = "wrong_size" }),
            ["newLines"] = new JsonArray(newLine),
            ["deliveryGroupId"] = deliveryGroupId,
        };
    }

    /// <summary>A new SKU with stock at the original's warehouse, for the replacement.</summary>
    private async Task<string> StockedSkuAsync(Original original)
    {
        var sku = InventorySetup.NewSku("EXC");
        await _admin.PutStock(original.Location, sku, 5);
        return sku;
    }

    private async Task<JsonObject> ExchangeAsync(Original original, string sku, decimal? unitPrice = null)
    {
        var answer = await (await _admin.PostJson($"/api/v1/orders/{original.OrderId}/exchanges", Body(original.LineId, 1, sku, 1, unitPrice)))
            .Expect(HttpStatusCode.Created);
        var exchange = answer["exchangeOrder"]!;
        Assert.Equal(("exchange", original.OrderId, original.CustomerId), (exchange["channel"].Str(), exchange["originalOrderId"].Str(),
            exchange["customer"]!["id"].Str()));
        var returnOrder = answer["returnOrder"]!;
        Assert.Equal(("approved", original.OrderId), (returnOrder["status"].Str(), returnOrder["orderId"].Str()));
        Assert.Equal(("exchange", null), (answer["changeOrder"]!["type"].Str(), answer["changeOrder"]!["id"]?.GetValue<string>()));
        return answer;
    }

    /// <summary>Ships the exchange order once the flows have approved and routed it; returns its settled invoice.</summary>
    private async Task<JsonObject> ShipExchangeAsync(Original original, string exchangeOrderId)
    {
        var fos = await PaymentScenario.Eventually(() => _admin.FulfillmentOrdersOf(exchangeOrderId), f => f.Count == 1);
        var fo = Assert.Single(fos);
        var shipment = await original.Scenario.ShipAsync(fo, 1);
        return await original.Scenario.SettledInvoiceOf(exchangeOrderId, shipment["id"].Str());
    }

    /// <summary>The warehouse receives the returned unit (resellable) on the exchange's return order.</summary>
    private async Task<JsonObject> ReceiveAsync(Original original, JsonObject returnOrder)
    {
        var body = new JsonObject
        {
            ["lines"] = new JsonArray(new JsonObject
            {
                ["returnLineId"] = returnOrder["lines"]![0]!["id"].Str(), ["quantityReceived"] = 1, ["quantityRejected"] = 0, ["condition"] = "resellable",
                ["locationCode"] = original.Location,
            }),
        };
        var received = await (await _admin.PostJson($"/api/v1/return-orders/{returnOrder["id"].Str()}/receive", body)).Expect(HttpStatusCode.OK);
        Assert.Equal("received", received["status"].Str());
        return Assert.Single(received["receipts"]!.AsArray())!.AsObject();
    }

    [Fact]
    public async Task An_even_exchange_ships_the_new_unit_paid_by_the_returned_one_and_moves_no_money()
    {
        var original = await ShippedAndPaidAsync(2);
        var sku = await StockedSkuAsync(original);

        var answer = await ExchangeAsync(original, sku);
        var exchange = answer["exchangeOrder"]!;
        var exchangeId = exchange["id"].Str();
        // The returned line's price (10.00, untaxed), no delivery charge, paid by the returned unit's value.
        Assert.Equal(10.00m, exchange["totals"]!["grandTotalAmount"].Dec());
        var line = exchange["deliveryGroups"]![0]!["lines"]!.AsArray().Single(l => l!["type"].Str() == "product")!;
        Assert.Equal((sku, 1, 10.00m), (line["sku"].Str(), line["quantityOrdered"]!.GetValue<int>(), line["unitPrice"].Dec()));
        var payment = Assert.Single(exchange["payments"]!.AsArray())!;
        Assert.Equal(("exchange_credit", 10.00m, 10.00m), (payment["method"].Str(), payment["authorizedAmount"].Dec(), payment["capturedAmount"].Dec()));
        Assert.Equal(("exchange", 10.00m), (answer["returnOrder"]!["fees"]![0]!["type"].Str(), answer["returnOrder"]!["fees"]![0]!["amount"].Dec()));
        // Nothing is owed back, nothing is invoiced on the original order; its figures come back as they were once received.
        Assert.Equal((0m, true, true), (answer["refundableAmount"].Dec(), answer["creditMemo"] is null, answer["invoice"] is null));
        Assert.Equal((20.00m, 20.00m), (answer["totalsBefore"]!["grandTotalAmount"].Dec(), answer["totalsAfter"]!["grandTotalAmount"].Dec()));
        Assert.Equal(1, (await _admin.GetOrder(original.OrderId)).LineOf("l1")["quantityReturnInitiated"]!.GetValue<int>());

        // The default flows approve and route it like any order; its invoice is paid from the exchange credit.
        var invoice = await ShipExchangeAsync(original, exchangeId);
        Assert.Equal(("paid", 10.00m), (invoice["status"].Str(), invoice["totalAmount"].Dec()));
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(exchangeId), o => o["status"].Str() == "closed");
        Assert.Equal(original.OrderId, closed["originalOrderId"].Str());
        await original.Scenario.AssertMoneyAddsUp(exchangeId, capturedAtCheckout: 10.00m);

        // The returned unit arrives: no credit memo, no invoice, no refund.
        var receipt = await ReceiveAsync(original, answer["returnOrder"]!.AsObject());
        Assert.Equal((true, true), (receipt["creditMemoId"] is null, receipt["invoiceId"] is null));
        var order = await _admin.GetOrder(original.OrderId);
        Assert.Equal((1, 20.00m, 10.00m), (order.LineOf("l1")["quantityReturned"]!.GetValue<int>(), order["totals"]!["grandTotalAmount"].Dec(),
            order["totals"]!["feeAmount"].Dec()));
        Assert.Empty(await _admin.ReadAll($"/api/v1/credit-memos?orderId={original.OrderId}"));
        var payments = await original.Scenario.PaymentsOf(original.OrderId);
        Assert.Equal((20.00m, 0m), (payments["summaries"]![0]!["capturedAmount"].Dec(), payments["summaries"]![0]!["refundedAmount"].Dec()));
        await original.Scenario.AssertMoneyAddsUp(original.OrderId);

        var events = await _admin.AllEvents($"&subject={original.OrderId}", atLeast: 1);
        Assert.Single(events, e => e["type"].Str() == "return_order.created");
        Assert.DoesNotContain(events, e => e["type"].Str() == "credit_memo.created");
        var exchangeEvents = await _admin.AllEvents($"&subject={exchangeId}", atLeast: 1);
        Assert.Single(exchangeEvents, e => e["type"].Str() == "order.created" && e["data"]!["channel"].Str() == "exchange");
        var history = await _admin.ReadAll($"/api/v1/orders/{original.OrderId}/history");
        Assert.Contains(history, h => h["action"]?.GetValue<string>() == "exchange");
    }

    [Fact]
    public async Task A_cheaper_replacement_credits_the_difference_on_receipt_and_flow_6_refunds_it_to_the_card()
    {
        var original = await ShippedAndPaidAsync(2);
        var sku = await StockedSkuAsync(original);

        var answer = await ExchangeAsync(original, sku, unitPrice: 6.00m);
        var exchangeId = answer["exchangeOrder"]!["id"].Str();
        Assert.Equal(6.00m, answer["exchangeOrder"]!["payments"]![0]!["capturedAmount"].Dec());
        Assert.Equal(6.00m, answer["returnOrder"]!["fees"]![0]!["amount"].Dec());
        // What the receipt will give back: the unit's 10.00 less the 6.00 the exchange order uses.
        Assert.Equal((4.00m, 4.00m), (answer["refundableAmount"].Dec(), answer["creditMemo"]!["totalAmount"].Dec()));
        Assert.Null(answer["creditMemo"]!["id"]);

        Assert.Equal("paid", (await ShipExchangeAsync(original, exchangeId))["status"].Str());
        await original.Scenario.AssertMoneyAddsUp(exchangeId, capturedAtCheckout: 6.00m);

        var receipt = await ReceiveAsync(original, answer["returnOrder"]!.AsObject());
        var memoId = receipt["creditMemoId"].Str();
        var memo = await PaymentScenario.Eventually(async () => await (await _admin.GetAsync($"/api/v1/credit-memos/{memoId}")).Expect(HttpStatusCode.OK),
            m => m["status"].Str() == "refunded");
        Assert.Equal((4.00m, 4.00m), (memo["totalAmount"].Dec(), memo["refundedAmount"].Dec()));
        var payments = await original.Scenario.PaymentsOf(original.OrderId);
        Assert.Equal((20.00m, 4.00m), (payments["summaries"]![0]!["capturedAmount"].Dec(), payments["summaries"]![0]!["refundedAmount"].Dec()));
        await original.Scenario.AssertMoneyAddsUp(original.OrderId);
        Assert.Equal(16.00m, (await _admin.GetOrder(original.OrderId))["totals"]!["grandTotalAmount"].Dec());
    }

    [Fact]
    public async Task A_dearer_replacement_fails_its_invoice_for_the_difference_until_a_payment_is_added_and_the_exception_retried()
    {
        var original = await ShippedAndPaidAsync(2);
        var sku = await StockedSkuAsync(original);

        var answer = await ExchangeAsync(original, sku, unitPrice: 15.00m);
        var exchangeId = answer["exchangeOrder"]!["id"].Str();
        Assert.Equal((15.00m, 10.00m), (answer["exchangeOrder"]!["totals"]!["grandTotalAmount"].Dec(), answer["exchangeOrder"]!["payments"]![0]!["capturedAmount"].Dec()));
        Assert.Equal((0m, true), (answer["refundableAmount"].Dec(), answer["creditMemo"] is null));

        // The exchange credit pays 10.00 of the 15.00 invoice; nothing authorizes the rest.
        var invoice = await ShipExchangeAsync(original, exchangeId);
        Assert.Equal(("failed", 5.00m), (invoice["status"].Str(), invoice["balance"].Dec()));
        var raised = await PaymentScenario.Eventually(() => _admin.ReadAll($"/api/v1/process-exceptions?orderId={exchangeId}"),
            list => list.Any(e => e["category"].Str() == "payment"));
        var exception = Assert.Single(raised, e => e["category"].Str() == "payment");

        await (await _admin.PostJson($"/api/v1/orders/{exchangeId}/payments", PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 5.00m)))
            .Expect(HttpStatusCode.Created);
        await (await _admin.PostJson($"/api/v1/process-exceptions/{exception["id"].Str()}/retry", null)).Expect(HttpStatusCode.OK);
        var paid = await PaymentScenario.Eventually(async () => await (await _admin.GetAsync($"/api/v1/invoices/{invoice["id"].Str()}")).Expect(HttpStatusCode.OK),
            i => i["status"].Str() == "paid");
        Assert.Equal(("paid", 0m), (paid["status"].Str(), paid["balance"].Dec()));
        await original.Scenario.AssertMoneyAddsUp(exchangeId, capturedAtCheckout: 10.00m);

        var receipt = await ReceiveAsync(original, answer["returnOrder"]!.AsObject());
        Assert.Equal((true, true), (receipt["creditMemoId"] is null, receipt["invoiceId"] is null));
        await original.Scenario.AssertMoneyAddsUp(original.OrderId);
        Assert.Equal(0m, (await original.Scenario.PaymentsOf(original.OrderId))["summaries"]![0]!["refundedAmount"].Dec());
    }

    [Fact]
    public async Task The_preview_equals_the_submit_and_bad_input_changes_nothing()
    {
        var original = await ShippedAndPaidAsync(2);
        var sku = await StockedSkuAsync(original);
        var before = await _admin.GetOrder(original.OrderId);
        var path = $"/api/v1/orders/{original.OrderId}/exchanges";

        await (await _admin.PostJson(path, Body("no-such-line", 1, sku, 1))).ExpectFieldError("returnLines[0].lineId");
        await (await _admin.PostJson(path, Body(original.LineId, 0, sku, 1))).ExpectFieldError("returnLines[0].quantity");
        var tooMany = await (await _admin.PostJson(path, Body(original.LineId, 3, sku, 1))).ExpectProblem((HttpStatusCode)422, "quantity_not_returnable");
        Assert.True(tooMany["errors"]!.AsObject().ContainsKey("returnLines[0].quantity"));
        await (await _admin.PostJson(path, Body(original.LineId, 1, "NO-SUCH-SKU-" + Guid.NewGuid().ToString("N")[..6], 1))).ExpectFieldError("newLines[0].sku");
        await (await _admin.PostJson(path, Body(original.LineId, 1, sku, 0))).ExpectFieldError("newLines[0].quantity");
        await (await _admin.PostJson(path, Body(original.LineId, 1, sku, 1, unitPrice: -1.00m))).ExpectFieldError("newLines[0].unitPrice");
        await (await _admin.PostJson(path, Body(original.LineId, 1, sku, 1, unitPrice: 1.001m))).ExpectFieldError("newLines[0].unitPrice");
        await (await _admin.PostJson(path, Body(original.LineId, 1, sku, 1, deliveryGroupId: "no-such-group"))).ExpectFieldError("deliveryGroupId");
        await (await _admin.PostJson(path, new JsonObject { ["returnLines"] = new JsonArray() })).ExpectFieldError("newLines");
        await (await _admin.PostJson(path, Body(original.LineId, 1, sku, 1), ifMatch: "\"999\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var viewer = await server.ClientWithRole("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostJson(path, Body(original.LineId, 1, sku, 1))).StatusCode);

        var unchanged = await _admin.GetOrder(original.OrderId);
        Assert.Equal((before["version"]!.GetValue<int>(), 0), (unchanged["version"]!.GetValue<int>(), unchanged.LineOf("l1")["quantityReturnInitiated"]!.GetValue<int>()));
        Assert.Empty(unchanged["returnOrders"]!.AsArray());
        Assert.Single(await _admin.ReadAll($"/api/v1/orders?customerId={original.CustomerId}"));

        // The preview saves nothing, and the submit answers what it answered.
        var groupId = before["deliveryGroups"]![0]!["id"].Str();
        var body = Body(original.LineId, 1, sku, 1, unitPrice: 7.00m, deliveryGroupId: groupId);
        var preview = await (await _admin.PostJson($"{path}/preview", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(before["version"]!.GetValue<int>(), (await _admin.GetOrder(original.OrderId))["version"]!.GetValue<int>());
        Assert.Single(await _admin.ReadAll($"/api/v1/orders?customerId={original.CustomerId}"));
        var submitted = await (await _admin.PostJson(path, body)).Expect(HttpStatusCode.Created);
        Assert.Equal(Comparable(preview).ToJsonString(), Comparable(submitted).ToJsonString());
        Assert.Equal(3.00m, preview["refundableAmount"].Dec());
        Assert.Equal(2, (await _admin.ReadAll($"/api/v1/orders?customerId={original.CustomerId}")).Count);
    }

    /// <summary>The answer without what only a saved exchange has: ids, numbers, references, times, the stock it holds.</summary>
    private static JsonNode Comparable(JsonNode node)
    {
        var copy = node.DeepClone();
        void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (key is "id" or "orderNumber" or "externalReference" or "gatewayReference" or "reservationId" or "createdAt" or "updatedAt" or "orderedAt"
                        || (key.EndsWith("Id", StringComparison.Ordinal) && key != "originalOrderId") || key.StartsWith("quantityReserved", StringComparison.Ordinal))
                        o.Remove(key);
                    else Strip(o[key]);
                }
            }
            else if (n is JsonArray a) foreach (var item in a) Strip(item);
        }
        Strip(copy);
        return copy;
    }
}

public sealed class ExchangeOnSqlite(PaymentFlowSqliteServer server) : ExchangeTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class ExchangeOnPostgres(PaymentFlowPostgresServer server) : ExchangeTests(server), IClassFixture<PaymentFlowPostgresServer>;
