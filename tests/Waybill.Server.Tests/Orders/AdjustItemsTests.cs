using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using Waybill.Server.Tests.Payments;

namespace Waybill.Server.Tests.Orders;

/// <summary>
/// Appeasements through the API with the default flows on (decision 0036): the part on invoiced units is credited and
/// refunded, the rest lowers the later invoice; a delivery appeasement before billing lowers the charge's invoice; the
/// preview is the submit; bad input changes nothing.
/// </summary>
public abstract class AdjustItemsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Body(string lineId, decimal? amount = null, decimal? percent = null, string? reason = "late_delivery") => new()
    {
        ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["amount"] = amount, ["percent"] = percent, ["reason"] = reason }),
    };

    private static string Reference() => "auth_ok_" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_appeasement_credits_the_invoiced_units_and_lowers_the_invoice_of_the_rest()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(3, PaymentScenario.Payment(Reference(), 30.00m));
        var placed = await _admin.GetOrder(orderId);
        var first = await scenario.ShipAsync(fo, 2);
        Assert.Equal("paid", (await scenario.SettledInvoiceOf(orderId, first["id"].Str()))["status"].Str());
        var lineId = (await _admin.GetOrder(orderId)).LineOf("l1")["id"].Str();
        // Shipping, invoicing and paying moved the order's version: what was previewed before them is not what a submit
        // would do now.
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -6.00m), ifMatch: $"\"{placed["version"]!.GetValue<int>()}\""))
            .ExpectProblem(HttpStatusCode.Conflict, "version_conflict");

        var preview = await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments/preview", Body(lineId, amount: -6.00m))).Expect(HttpStatusCode.OK);
        var submitted = await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -6.00m))).Expect(HttpStatusCode.Created);
        foreach (var part in new[] { "totalsBefore", "totalsAfter", "refundableAmount" })
            Assert.Equal(preview[part]!.ToJsonString(), submitted[part]!.ToJsonString());
        Assert.Equal(preview["changeOrder"]!["lines"]!.ToJsonString(), submitted["changeOrder"]!["lines"]!.ToJsonString());
        Assert.Equal("adjustment", submitted["changeOrder"]!["type"].Str());
        // −6.00 over three units of 10.00: 2.00 each; the two invoiced units' 4.00 is credited.
        Assert.Equal([-4.00m, -2.00m], submitted["changeOrder"]!["lines"]!.AsArray().Select(l => l!["adjustmentDelta"].Dec()));
        Assert.Equal((30.00m, 24.00m, 4.00m), (submitted["totalsBefore"]!["grandTotalAmount"].Dec(), submitted["totalsAfter"]!["grandTotalAmount"].Dec(),
            submitted["refundableAmount"].Dec()));
        Assert.Equal(4.00m, submitted["creditMemo"]!["totalAmount"].Dec());

        var memo = Assert.Single(await PaymentScenario.Eventually(() => _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"),
            m => m.Count == 1 && m[0]["status"].Str() == "refunded"));
        Assert.Equal(4.00m, memo["refundedAmount"].Dec());
        var last = await scenario.ShipAsync(fo, 1);
        Assert.Equal(8.00m, (await scenario.SettledInvoiceOf(orderId, last["id"].Str()))["paidAmount"].Dec());
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal(24.00m, closed["totals"]!["grandTotalAmount"].Dec());
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal((28.00m, 4.00m), (payments["summaries"]![0]!["capturedAmount"].Dec(), payments["summaries"]![0]!["refundedAmount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId);
    }

    [Fact]
    public async Task A_delivery_appeasement_before_billing_lowers_the_charge_it_is_billed_at()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = InventorySetup.NewSku("ADJ");
        await _admin.PutStock(net.Chicago, sku, 5);
        var body = net.Order(RoutingScenario.Line("l1", sku, 1));
        body["deliveryGroups"]![0]!["deliveryCharge"] = new JsonObject { ["amount"] = 9.99m, ["taxAmount"] = 0.80m, ["adjustments"] = new JsonArray() };
        var order = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        var orderId = order["id"].Str();
        var groupId = order["deliveryGroups"]![0]!["id"].Str();
        var adjustment = new JsonObject { ["deliveryGroupId"] = groupId, ["amount"] = -4.99m, ["reason"] = "late" };
        var answer = await (await _admin.PostJson($"/api/v1/orders/{orderId}/delivery-adjustments", adjustment)).Expect(HttpStatusCode.Created);
        var delta = Assert.Single(answer["changeOrder"]!["lines"]!.AsArray())!;
        Assert.Equal(("delivery_charge", -4.99m, -0.40m), (delta["type"].Str(), delta["adjustmentDelta"].Dec(), delta["taxDelta"].Dec()));
        Assert.Null(answer["creditMemo"]);
        var after = await _admin.GetOrder(orderId);
        Assert.Equal((-4.99m, 0.40m), (after["totals"]!["deliveryAdjustmentAmount"].Dec(), after["totals"]!["deliveryTaxAmount"].Dec()));
        adjustment["amount"] = -5.01m;
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/delivery-adjustments", adjustment)).ExpectFieldError("amount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/delivery-adjustments", new JsonObject { ["deliveryGroupId"] = "nope", ["amount"] = -1m }))
            .ExpectFieldError("deliveryGroupId");
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_changes_nothing()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, _) = await scenario.PlaceAsync(2, PaymentScenario.Payment(Reference(), 20.00m));
        var before = await _admin.GetOrder(orderId);
        var lineId = before.LineOf("l1")["id"].Str();
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -20.01m))).ExpectFieldError("lines[0].amount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: 1.00m))).ExpectFieldError("lines[0].amount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -0.001m))).ExpectFieldError("lines[0].amount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, percent: 100.01m))).ExpectFieldError("lines[0].percent");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -1m, percent: 5m))).ExpectFieldError("lines[0].amount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body("nope", amount: -1m))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -1m, reason: "not a code!"))).ExpectFieldError("lines[0].reason");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", new JsonObject { ["lines"] = new JsonArray() })).ExpectFieldError("lines");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -1m), ifMatch: "\"999\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson($"/api/v1/orders/{orderId}/adjustments", Body(lineId, amount: -1m))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var now = await _admin.GetOrder(orderId);
        Assert.Equal(before["totals"]!.ToJsonString(), now["totals"]!.ToJsonString());
        Assert.Empty(now["changeOrders"]!.AsArray());
    }
}

public sealed class AdjustItemsOnSqlite(PaymentFlowSqliteServer server) : AdjustItemsTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class AdjustItemsOnPostgres(PaymentFlowPostgresServer server) : AdjustItemsTests(server), IClassFixture<PaymentFlowPostgresServer>;
