using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>What a location does with its fulfillment orders: accept, pick, cancel lines; and what it may not.</summary>
public abstract class FulfillmentOrderTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<(RoutingScenario Net, string Sku, string OrderId, JsonObject Fo)> RoutedAsync(int quantity = 3)
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.Dallas, sku, 5);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("l1", sku, quantity));
        await _admin.Route(orderId);
        return (net, sku, orderId, Assert.Single(await _admin.FulfillmentOrdersOf(orderId)));
    }

    [Fact]
    public async Task A_location_accepts_picks_and_cancels_lines_and_the_stock_is_released_there()
    {
        var (net, sku, orderId, fo) = await RoutedAsync();
        var id = fo["id"].Str();
        var path = $"/api/v1/fulfillment-orders/{id}";
        var location = await server.ClientWithRole("fulfillment", net.Dallas);

        Assert.Equal("assigned", (await (await location.PostJson($"{path}/accept", null)).Expect(HttpStatusCode.OK))["status"].Str());
        await (await location.PostJson($"{path}/accept", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal("pick_pack", (await (await location.PostJson($"{path}/start-picking", null)).Expect(HttpStatusCode.OK))["status"].Str());

        var lineId = fo["lines"]![0]!["id"].Str();
        await (await location.PostJson($"{path}/cancel-lines", FulfillmentApi.Body(lineId, 4, null))).ExpectProblem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_remaining");
        var partly = await (await location.PostJson($"{path}/cancel-lines", FulfillmentApi.Body(lineId, 1, "damaged"))).Expect(HttpStatusCode.OK);
        Assert.Equal("pick_pack", partly["status"].Str());
        Assert.Equal(1, partly["lines"]![0]!["quantityCanceled"].Int());
        Assert.Equal(Figures.With(5, reserved: 2), await _admin.AtLocation(sku, net.Dallas));
        var order = await _admin.GetOrder(orderId);
        Assert.Equal(2, order.LineOf("l1")["quantityAllocated"].Int());
        Assert.Equal(1, order.LineOf("l1")["quantityAvailableToCancel"].Int());
        Assert.Equal("partially_allocated", order.LineOf("l1")["status"].Str());
        await _admin.AssertQuantitiesHold(orderId);

        var done = await (await location.PostJson($"{path}/cancel-lines", FulfillmentApi.Body(lineId, 2, null))).Expect(HttpStatusCode.OK);
        Assert.Equal("canceled", done["status"].Str());
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, net.Dallas));
        await (await location.PostJson($"{path}/reject-lines", FulfillmentApi.Body(lineId, 1))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await _admin.AssertQuantitiesHold(orderId);

        // The quantity handed back can be routed again.
        var again = await _admin.Route(orderId);
        Assert.Equal("routed", again["outcome"].Str());
        await _admin.AssertQuantitiesHold(orderId);
    }

    [Fact]
    public async Task A_fulfillment_key_sees_and_works_only_its_locations()
    {
        var (net, _, orderId, fo) = await RoutedAsync();
        var other = await server.ClientWithRole("fulfillment", net.Chicago);
        var mine = await server.ClientWithRole("fulfillment", net.Dallas);
        var path = $"/api/v1/fulfillment-orders/{fo["id"].Str()}";

        await (await other.GetAsync(path)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await other.PostJson($"{path}/accept", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await other.ReadAll($"/api/v1/fulfillment-orders?orderId={orderId}"));
        Assert.Single(await mine.ReadAll($"/api/v1/fulfillment-orders?orderId={orderId}"));
        Assert.Equal("allocated", (await (await mine.GetAsync(path)).Expect(HttpStatusCode.OK))["status"].Str());
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson($"{path}/accept", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Single(await _admin.ReadAll($"/api/v1/fulfillment-orders?orderId={orderId}&status=allocated&location={net.Dallas}"));
        Assert.Empty(await _admin.ReadAll($"/api/v1/fulfillment-orders?orderId={orderId}&status=canceled"));
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_changes_nothing()
    {
        var (net, sku, orderId, fo) = await RoutedAsync();
        var path = $"/api/v1/fulfillment-orders/{fo["id"].Str()}";
        var lineId = fo["lines"]![0]!["id"].Str();
        await (await _admin.PostJson($"{path}/reject-lines", FulfillmentApi.Body(lineId, 1, null))).ExpectFieldError("reason");
        await (await _admin.PostJson($"{path}/reject-lines", FulfillmentApi.Body(lineId, 0))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson($"{path}/reject-lines", FulfillmentApi.Body("", 1))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson($"{path}/reject-lines", FulfillmentApi.Body("nope", 1))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson($"{path}/cancel-lines", new JsonObject { ["lines"] = new JsonArray() })).ExpectFieldError("lines");
        await (await _admin.GetAsync("/api/v1/fulfillment-orders?status=lost")).ExpectFieldError("status");
        await (await _admin.GetAsync("/api/v1/fulfillment-orders/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var unchanged = await (await _admin.GetAsync(path)).Expect(HttpStatusCode.OK);
        Assert.Equal(fo["version"].Int(), unchanged["version"].Int());
        Assert.Equal(Figures.With(5, reserved: 3), await _admin.AtLocation(sku, net.Dallas));
        await _admin.AssertQuantitiesHold(orderId);
    }
}

public sealed class FulfillmentOrderOnSqlite(SqliteServer server) : FulfillmentOrderTests(server), IClassFixture<SqliteServer>;

public sealed class FulfillmentOrderOnPostgres(PostgresServer server) : FulfillmentOrderTests(server), IClassFixture<PostgresServer>;
