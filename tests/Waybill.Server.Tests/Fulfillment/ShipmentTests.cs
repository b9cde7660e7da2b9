using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>Shipments of fulfillment orders: the ASN, what it does to the order and the stock, tracking, bad input and races.</summary>
public abstract class ShipmentTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<(RoutingScenario Net, string Sku, string OrderId, JsonObject Fo)> RoutedAsync(int quantity = 3, int stock = 5)
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.Dallas, sku, stock);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("l1", sku, quantity));
        await _admin.Route(orderId);
        return (net, sku, orderId, Assert.Single(await _admin.FulfillmentOrdersOf(orderId)));
    }

    [Fact]
    public async Task A_partial_then_a_full_shipment_fulfill_the_stock_the_lines_and_the_order()
    {
        var (net, sku, orderId, fo) = await RoutedAsync();
        var foId = fo["id"].Str();
        var lineId = fo["lines"]![0]!["id"].Str();
        var location = await server.ClientWithRole("fulfillment", net.Dallas);

        var response = await location.PostJson($"/api/v1/fulfillment-orders/{foId}/shipments", FulfillmentApi.Shipment((lineId, 1)));
        var first = await response.Expect(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/shipments/{first["id"].Str()}", response.Headers.Location!.OriginalString);
        Assert.Equal("shipped", first["status"].Str());
        Assert.Equal(foId, first["fulfillmentOrderId"].Str());
        Assert.Equal(orderId, first["orderId"].Str());
        Assert.Equal("UPS", first["carrier"].Str());
        var shipped = Assert.Single(first["lines"]!.AsArray())!;
        Assert.Equal(lineId, shipped["fulfillmentOrderLineId"].Str());
        Assert.Equal(sku, shipped["sku"].Str());
        Assert.Equal(1, shipped["quantity"].Int());
        Assert.Empty(first["trackingEvents"]!.AsArray());

        // On hand and reserved both drop, at the location and in its group.
        Assert.Equal(Figures.With(4, reserved: 2), await _admin.AtLocation(sku, net.Dallas));
        Assert.Equal(Figures.With(4, reserved: 2), await _admin.AtGroup(sku, net.Group));
        var order = await _admin.GetOrder(orderId);
        Assert.Equal("partially_fulfilled", order["status"].Str());
        Assert.Equal(1, order.LineOf("l1")["quantityFulfilled"].Int());
        Assert.Equal("partially_fulfilled", order.LineOf("l1")["status"].Str());
        var foInOrder = Assert.Single(order["fulfillmentOrders"]!.AsArray())!;
        Assert.Equal(first["id"].Str(), Assert.Single(foInOrder["shipments"]!.AsArray())!["id"].Str());
        await _admin.AssertQuantitiesHold(orderId);
        var afterFirst = await (await _admin.GetAsync($"/api/v1/fulfillment-orders/{foId}")).Expect(HttpStatusCode.OK);
        Assert.Equal("allocated", afterFirst["status"].Str());
        Assert.Equal(1, afterFirst["lines"]![0]!["quantityShipped"].Int());

        var second = await location.Ship(foId, (lineId, 2));
        var done = await (await location.GetAsync($"/api/v1/fulfillment-orders/{foId}")).Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", done["status"].Str());
        Assert.Equal([first["id"].Str(), second["id"].Str()], done["shipments"]!.AsArray().Select(s => s!["id"].Str()));
        Assert.Equal(Figures.With(2), await _admin.AtLocation(sku, net.Dallas));
        Assert.Equal(Figures.With(2), await _admin.AtGroup(sku, net.Group));
        order = await _admin.GetOrder(orderId);
        Assert.Equal("fulfilled", order["status"].Str());
        Assert.Equal("fulfilled", order.LineOf("l1")["status"].Str());
        await _admin.AssertQuantitiesHold(orderId);
        Assert.Equal(second["id"].Str(), (await (await location.GetAsync($"/api/v1/shipments/{second["id"].Str()}")).Expect(HttpStatusCode.OK))["id"].Str());

        // Acting on a fulfilled fulfillment order.
        await (await location.PostJson($"/api/v1/fulfillment-orders/{foId}/shipments", FulfillmentApi.Shipment((lineId, 1))))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");

        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        var types = events.Select(e => e["type"].Str()).ToList();
        Assert.Equal(2, types.Count(t => t == "shipment.created"));
        var created = events.First(e => e["type"].Str() == "shipment.created");
        Assert.Equal(first["id"].Str(), created["data"]!["id"].Str());
        var orderChanges = events.Where(e => e["type"].Str() == "order.status_changed").Select(e => (e["data"]!["previousStatus"].Str(), e["data"]!["status"].Str())).ToList();
        Assert.Contains(("waiting_to_fulfill", "partially_fulfilled"), orderChanges);
        Assert.Contains(("partially_fulfilled", "fulfilled"), orderChanges);
        Assert.Contains(events, e => e["type"].Str() == "fulfillment_order.status_changed" && e["data"]!["status"].Str() == "fulfilled"
            && e["data"]!["previousStatus"].Str() == "allocated");
        var history = await _admin.ReadAll($"/api/v1/orders/{orderId}/history");
        Assert.Contains(history, h => h["action"]?.GetValue<string>() == "ship" && h["toStatus"]?.GetValue<string>() == "fulfilled");
    }

    [Fact]
    public async Task Tracking_events_are_kept_in_time_order_and_delivered_is_final()
    {
        var (net, _, orderId, fo) = await RoutedAsync();
        var shipment = await _admin.Ship(fo["id"].Str(), (fo["lines"]![0]!["id"].Str(), 3));
        var path = $"/api/v1/shipments/{shipment["id"].Str()}/tracking-events";
        static JsonObject Event(string status, string at) => new() { ["status"] = status, ["occurredAt"] = at, ["location"] = "Memphis, TN", ["description"] = status };

        var s = await (await _admin.PostJson(path, Event("in_transit", "2026-11-22T10:00:00Z"))).Expect(HttpStatusCode.OK);
        Assert.Equal("in_transit", s["status"].Str());
        s = await (await _admin.PostJson(path, Event("delivered", "2026-11-23T10:00:00Z"))).Expect(HttpStatusCode.OK);
        Assert.Equal("delivered", s["status"].Str());
        // Arrives late but happened in between: kept in its place; a later event changes nothing once delivered.
        s = await (await _admin.PostJson(path, Event("out_for_delivery", "2026-11-23T08:00:00Z"))).Expect(HttpStatusCode.OK);
        s = await (await _admin.PostJson(path, Event("exception", "2026-11-24T08:00:00Z"))).Expect(HttpStatusCode.OK);
        Assert.Equal("delivered", s["status"].Str());
        Assert.Equal(["in_transit", "out_for_delivery", "delivered", "exception"], s["trackingEvents"]!.AsArray().Select(e => e!["status"].Str()));
        Assert.Equal("Memphis, TN", s["trackingEvents"]![0]!["location"].Str());
        var read = await (await _admin.GetAsync($"/api/v1/shipments/{shipment["id"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(s.ToJsonString(), read.ToJsonString());

        await (await _admin.PostJson(path, Event("lost", "2026-11-24T08:00:00Z"))).ExpectFieldError("status");
        await (await _admin.PostJson(path, Event("shipped", "2026-11-24T08:00:00Z"))).ExpectFieldError("status");
        await (await _admin.PostJson(path, new JsonObject())).ExpectFieldError("status");
        await (await _admin.PostJson("/api/v1/shipments/nope/tracking-events", Event("in_transit", "2026-11-24T08:00:00Z")))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync("/api/v1/shipments/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var other = await server.ClientWithRole("fulfillment", net.Chicago);
        await (await other.PostJson(path, Event("in_transit", "2026-11-24T08:00:00Z"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await other.GetAsync($"/api/v1/shipments/{shipment["id"].Str()}")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(4, (await (await _admin.GetAsync($"/api/v1/shipments/{shipment["id"].Str()}")).Expect(HttpStatusCode.OK))["trackingEvents"]!.AsArray().Count);

        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        Assert.Equal(4, events.Count(e => e["type"].Str() == "shipment.tracking_updated"));
        var delivered = Assert.Single(events, e => e["type"].Str() == "shipment.delivered");
        Assert.Equal("delivered", delivered["data"]!["status"].Str());
    }

    [Fact]
    public async Task Bad_shipments_name_the_field_and_change_nothing()
    {
        var (net, sku, orderId, fo) = await RoutedAsync();
        var foId = fo["id"].Str();
        var path = $"/api/v1/fulfillment-orders/{foId}/shipments";
        var lineId = fo["lines"]![0]!["id"].Str();

        await (await _admin.PostJson(path, FulfillmentApi.Shipment((lineId, 4)))).ExpectProblem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_remaining");
        await (await _admin.PostJson(path, FulfillmentApi.Shipment(("nope", 1)))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson(path, FulfillmentApi.Shipment((lineId, 1), (lineId, 1)))).ExpectFieldError("lines[1].lineId");
        await (await _admin.PostJson(path, FulfillmentApi.Shipment((lineId, 0)))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson(path, FulfillmentApi.Shipment((lineId, -1)))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson(path, FulfillmentApi.Shipment())).ExpectFieldError("lines");
        var noCarrier = FulfillmentApi.Shipment((lineId, 1));
        noCarrier.Remove("carrier");
        await (await _admin.PostJson(path, noCarrier)).ExpectFieldError("carrier");
        var noTracking = FulfillmentApi.Shipment((lineId, 1));
        noTracking["trackingNumber"] = " ";
        await (await _admin.PostJson(path, noTracking)).ExpectFieldError("trackingNumber");
        var other = await server.ClientWithRole("fulfillment", net.Chicago);
        await (await other.PostJson(path, FulfillmentApi.Shipment((lineId, 1)))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson(path, FulfillmentApi.Shipment((lineId, 1)))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await _admin.PostJson("/api/v1/fulfillment-orders/nope/shipments", FulfillmentApi.Shipment((lineId, 1)))).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var unchanged = await (await _admin.GetAsync($"/api/v1/fulfillment-orders/{foId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(fo["version"].Int(), unchanged["version"].Int());
        Assert.Equal(0, unchanged["lines"]![0]!["quantityShipped"].Int());
        Assert.Empty(unchanged["shipments"]!.AsArray());
        Assert.Equal(Figures.With(5, reserved: 3), await _admin.AtLocation(sku, net.Dallas));
        Assert.Equal("waiting_to_fulfill", (await _admin.GetOrder(orderId))["status"].Str());
        await _admin.AssertQuantitiesHold(orderId);

        // A canceled fulfillment order ships nothing.
        await (await _admin.PostJson($"/api/v1/fulfillment-orders/{foId}/cancel-lines", FulfillmentApi.Body(lineId, 3, null))).Expect(HttpStatusCode.OK);
        await (await _admin.PostJson(path, FulfillmentApi.Shipment((lineId, 1)))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, net.Dallas));
        await _admin.AssertQuantitiesHold(orderId);
    }

    [Fact]
    public async Task Shipments_racing_for_the_last_unit_ship_it_once()
    {
        var (net, sku, orderId, fo) = await RoutedAsync(quantity: 1);
        var foId = fo["id"].Str();
        var lineId = fo["lines"]![0]!["id"].Str();
        var clients = Enumerable.Range(0, 4).Select(_ => server.Client()).ToList();
        var responses = await Task.WhenAll(clients.Select(c => c.PostJson($"/api/v1/fulfillment-orders/{foId}/shipments", FulfillmentApi.Shipment((lineId, 1)))));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.True(s is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, s.ToString()));

        var after = await (await _admin.GetAsync($"/api/v1/fulfillment-orders/{foId}")).Expect(HttpStatusCode.OK);
        Assert.Single(after["shipments"]!.AsArray());
        Assert.Equal(1, after["lines"]![0]!["quantityShipped"].Int());
        Assert.Equal(Figures.With(4), await _admin.AtLocation(sku, net.Dallas));
        Assert.Equal(Figures.With(4), await _admin.AtGroup(sku, net.Group));
        Assert.Equal("fulfilled", (await _admin.GetOrder(orderId))["status"].Str());
        await _admin.AssertQuantitiesHold(orderId);
        Assert.Single(await _admin.AllEvents($"&subject={orderId}&types=shipment.created", atLeast: 1));
    }

    [Fact]
    public async Task A_replayed_shipment_answers_the_first_201_and_ships_once()
    {
        var (net, sku, orderId, fo) = await RoutedAsync();
        var path = $"/api/v1/fulfillment-orders/{fo["id"].Str()}/shipments";
        var body = FulfillmentApi.Shipment((fo["lines"]![0]!["id"].Str(), 1));
        var key = Guid.NewGuid().ToString("N");
        var first = await (await _admin.PostJson(path, body, idempotencyKey: key)).Expect(HttpStatusCode.Created);
        var again = await (await _admin.PostJson(path, body, idempotencyKey: key)).Expect(HttpStatusCode.Created);
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        body["trackingNumber"] = "other";
        await (await _admin.PostJson(path, body, idempotencyKey: key)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(Figures.With(4, reserved: 2), await _admin.AtLocation(sku, net.Dallas));
        Assert.Single((await (await _admin.GetAsync($"/api/v1/fulfillment-orders/{fo["id"].Str()}")).Expect(HttpStatusCode.OK))["shipments"]!.AsArray());
        await _admin.AssertQuantitiesHold(orderId);
    }

    [Fact]
    public async Task A_pickup_order_is_made_ready_then_picked_up_at_its_store()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.StLouis, sku, 4);
        var body = net.Order(RoutingScenario.Line("p1", sku, 2));
        body["deliveryGroups"]![0]!["deliveryMethod"] = new JsonObject { ["code"] = "store", ["type"] = "pickup", ["locationCode"] = net.StLouis };
        var captured = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        var orderId = captured["id"].Str();
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/approve", null)).Expect(HttpStatusCode.OK);
        await _admin.Route(orderId);
        var fo = Assert.Single(await _admin.FulfillmentOrdersOf(orderId));
        Assert.Equal(net.StLouis, fo["location"].Str());
        var path = $"/api/v1/fulfillment-orders/{fo["id"].Str()}";
        var store = await server.ClientWithRole("fulfillment", net.StLouis);

        await (await store.PostJson($"{path}/ready-for-pickup", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await store.PostJson($"{path}/picked-up", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await store.PostJson($"{path}/accept", null)).Expect(HttpStatusCode.OK);
        var ready = await (await store.PostJson($"{path}/ready-for-pickup", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("ready_for_pickup", ready["status"].Str());
        Assert.Equal(Figures.With(4, reserved: 2), await _admin.AtLocation(sku, net.StLouis));
        await (await store.PostJson($"{path}/shipments", FulfillmentApi.Shipment((fo["lines"]![0]!["id"].Str(), 2))))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");

        var picked = await (await store.PostJson($"{path}/picked-up", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", picked["status"].Str());
        var shipment = Assert.Single(picked["shipments"]!.AsArray())!;
        Assert.Equal("delivered", shipment["status"].Str());
        Assert.Equal(2, shipment["lines"]![0]!["quantity"].Int());
        Assert.Equal(Figures.With(2), await _admin.AtLocation(sku, net.StLouis));
        Assert.Equal(Figures.With(2), await _admin.AtGroup(sku, net.Group));
        var order = await _admin.GetOrder(orderId);
        Assert.Equal("fulfilled", order["status"].Str());
        Assert.Equal(2, order.LineOf("p1")["quantityFulfilled"].Int());
        await _admin.AssertQuantitiesHold(orderId);
        var types = (await _admin.AllEvents($"&subject={orderId}", atLeast: 1)).Select(e => e["type"].Str()).ToList();
        Assert.Contains("shipment.created", types);
        Assert.Contains("shipment.delivered", types);

        // A shipped group's fulfillment order is never ready for pickup.
        var (_, _, _, shippedFo) = await RoutedAsync();
        var shippedPath = $"/api/v1/fulfillment-orders/{shippedFo["id"].Str()}";
        await (await _admin.PostJson($"{shippedPath}/accept", null)).Expect(HttpStatusCode.OK);
        await (await _admin.PostJson($"{shippedPath}/ready-for-pickup", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
    }
}

public sealed class ShipmentOnSqlite(SqliteServer server) : ShipmentTests(server), IClassFixture<SqliteServer>;

public sealed class ShipmentOnPostgres(PostgresServer server) : ShipmentTests(server), IClassFixture<PostgresServer>;
