using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Orders;

/// <summary>
/// Cancels through the API (decision 0032): the preview is the submit, unallocated units only, the stock the order no
/// longer needs goes back in the same transaction, a fully canceled order is canceled, bad input changes nothing.
/// </summary>
public abstract class CancelItemsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Body(string lineId, int quantity, bool reduceShipping = false, string? reason = "customer_request") => new()
    {
        ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = quantity, ["reason"] = reason }),
        ["reduceShipping"] = reduceShipping,
    };

    /// <summary>An order of <paramref name="quantity"/> units at 10.00 with a 6.00 delivery charge; its stock held at the channel's group.</summary>
    private async Task<(string OrderId, string LineId, string Sku, RoutingScenario Net)> PlaceAsync(int quantity)
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku("CXL");
        await _admin.PutStock(net.Chicago, sku, 10);
        var body = net.Order(RoutingScenario.Line("l1", sku, quantity));
        body["deliveryGroups"]![0]!["deliveryCharge"] = new JsonObject { ["amount"] = 6.00m, ["taxAmount"] = 0, ["adjustments"] = new JsonArray() };
        var order = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        return (order["id"].Str(), order.LineOf("l1")["id"].Str(), sku, net);
    }

    [Fact]
    public async Task The_preview_is_the_submit_and_changes_nothing()
    {
        var (orderId, lineId, sku, net) = await PlaceAsync(3);
        var before = await _admin.GetOrder(orderId);
        Assert.Equal(Figures.With(10, reserved: 3), await _admin.AtGroup(sku, net.Group));

        var preview = await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations/preview", Body(lineId, 2, reduceShipping: true))).Expect(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), (await _admin.GetOrder(orderId)).ToJsonString());
        Assert.Equal(Figures.With(10, reserved: 3), await _admin.AtGroup(sku, net.Group));

        var submitted = await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 2, reduceShipping: true))).Expect(HttpStatusCode.Created);
        Assert.Null(preview["changeOrder"]!["id"]);
        Assert.NotNull(submitted["changeOrder"]!["id"]);
        foreach (var part in new[] { "totalsBefore", "totalsAfter", "refundableAmount", "creditMemo" })
            Assert.Equal(preview[part]?.ToJsonString(), submitted[part]?.ToJsonString());
        Assert.Equal(preview["changeOrder"]!["lines"]!.ToJsonString(), submitted["changeOrder"]!["lines"]!.ToJsonString());

        // Two of three units and two thirds of the 6.00 delivery charge: 36.00 → 10.00 + 2.00.
        Assert.Equal((36.00m, 12.00m), (submitted["totalsBefore"]!["grandTotalAmount"].Dec(), submitted["totalsAfter"]!["grandTotalAmount"].Dec()));
        Assert.Equal(-24.00m, submitted["changeOrder"]!["totalAmount"].Dec());
        var order = await _admin.GetOrder(orderId);
        Assert.Equal(12.00m, order["totals"]!["grandTotalAmount"].Dec());
        Assert.Equal(submitted["changeOrder"]!.ToJsonString(), Assert.Single(order["changeOrders"]!.AsArray())!.ToJsonString());
        var line = order.LineOf("l1");
        Assert.Equal((2, 1, 10.00m), (line["quantityCanceled"]!.GetValue<int>(), line["quantityAvailableToCancel"]!.GetValue<int>(), line["lineAmount"].Dec()));
        // The two canceled units no longer held.
        Assert.Equal(Figures.With(10, reserved: 1), await _admin.AtGroup(sku, net.Group));
        var events = await _admin.AllEvents($"&subject={orderId}&types=order.changed", atLeast: 1);
        var changed = Assert.Single(events)["data"]!;
        Assert.Equal(12.00m, changed["totals"]!["grandTotalAmount"].Dec());
        Assert.Single(changed["changeOrders"]!.AsArray());
    }

    [Fact]
    public async Task Canceling_every_unit_cancels_the_order_and_releases_all_its_stock()
    {
        var (orderId, lineId, sku, net) = await PlaceAsync(2);
        var answer = await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 2, reduceShipping: true))).Expect(HttpStatusCode.Created);
        Assert.Equal(0m, answer["totalsAfter"]!["grandTotalAmount"].Dec());
        var order = await _admin.GetOrder(orderId);
        Assert.Equal("canceled", order["status"].Str());
        Assert.Equal("canceled", order.LineOf("l1")["status"].Str());
        Assert.Equal(Figures.With(10), await _admin.AtGroup(sku, net.Group));
        var statusChanges = await _admin.AllEvents($"&subject={orderId}&types=order.status_changed", atLeast: 1);
        Assert.Equal("canceled", Assert.Single(statusChanges)["data"]!["status"].Str());
        // Nothing is left to cancel, and a canceled order takes no further cancel.
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 1))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Only_unallocated_units_can_be_canceled()
    {
        var (orderId, lineId, _, net) = await PlaceAsync(3);
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/approve", null)).Expect(HttpStatusCode.OK);
        await _admin.Route(orderId);
        var problem = await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 1))).ExpectProblem((HttpStatusCode)422, "quantity_not_cancelable");
        Assert.Contains("0 units that can be canceled", problem["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal(0, (await _admin.GetOrder(orderId)).LineOf("l1")["quantityCanceled"]!.GetValue<int>());
        _ = net;
    }

    [Fact]
    public async Task Bad_input_is_refused_and_changes_nothing()
    {
        var (orderId, lineId, sku, net) = await PlaceAsync(2);
        var before = await _admin.GetOrder(orderId);
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 3))).ExpectProblem((HttpStatusCode)422, "quantity_not_cancelable");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body("nope", 1))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 0))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 1, reason: "not a code!"))).ExpectFieldError("lines[0].reason");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", new JsonObject { ["lines"] = new JsonArray() })).ExpectFieldError("lines");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 1), ifMatch: "\"999\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        await (await _admin.PostJson("/api/v1/orders/nope/cancellations", Body(lineId, 1))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 1))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before.ToJsonString(), (await _admin.GetOrder(orderId)).ToJsonString());
        Assert.Equal(Figures.With(10, reserved: 2), await _admin.AtGroup(sku, net.Group));
    }

    [Fact]
    public async Task Two_cancels_racing_for_the_last_unit_cancel_it_once()
    {
        var (orderId, lineId, sku, net) = await PlaceAsync(1);
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", Body(lineId, 1))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created),
            a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Conflict, (HttpStatusCode)422 }));
        var order = await _admin.GetOrder(orderId);
        Assert.Equal((1, "canceled"), (order.LineOf("l1")["quantityCanceled"]!.GetValue<int>(), order["status"].Str()));
        Assert.Equal(Figures.With(10), await _admin.AtGroup(sku, net.Group));
        Assert.Single(await _admin.AllEvents($"&subject={orderId}&types=order.changed", atLeast: 1));
    }
}

public sealed class CancelItemsOnSqlite(SqliteServer server) : CancelItemsTests(server), IClassFixture<SqliteServer>;

public sealed class CancelItemsOnPostgres(PostgresServer server) : CancelItemsTests(server), IClassFixture<PostgresServer>;
