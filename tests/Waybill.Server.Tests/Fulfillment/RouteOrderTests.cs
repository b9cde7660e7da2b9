using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>
/// The issue's scenario over HTTP: an order whose three lines sit in three warehouses and a store is routed to the true
/// fewest locations, nearest first; a rejected line moves elsewhere and never back; a backordered order routes once stock
/// is there; the quantities add up after every step.
/// </summary>
public abstract class RouteOrderTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task An_order_is_routed_to_the_fewest_nearest_locations_a_rejected_line_moves_elsewhere_and_a_backorder_routes_when_stock_arrives()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var (x, y, z) = (NewSku("X"), NewSku("Y"), NewSku("Z"));
        // No one place has everything; two do: {St. Louis, Dallas} is the nearest such pair to Springfield.
        await _admin.PutStock(net.Chicago, x, 2);
        await _admin.PutStock(net.Chicago, y, 1);
        await _admin.PutStock(net.Dallas, y, 1);
        await _admin.PutStock(net.Dallas, z, 3);
        await _admin.PutStock(net.Newark, x, 2);
        await _admin.PutStock(net.Newark, z, 3);
        await _admin.PutStock(net.StLouis, x, 2);

        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("lx", x, 2), RoutingScenario.Line("ly", y, 1), RoutingScenario.Line("lz", z, 3));
        var attempt = await _admin.Route(orderId);
        Assert.Equal("completed", attempt["status"].Str());
        Assert.Equal("routed", attempt["outcome"].Str());
        Assert.Equal(1, attempt["number"].Int());
        var allocations = attempt["allocations"]!.AsArray().Select(a => (a!["sku"].Str(), a["location"].Str(), a["quantity"].Int())).ToHashSet();
        Assert.Equal(new HashSet<(string, string, int)> { (x, net.StLouis, 2), (y, net.Dallas, 1), (z, net.Dallas, 3) }, allocations);
        Assert.Contains("Proven", attempt["explanation"].Str(), StringComparison.Ordinal);
        Assert.Equal(2, attempt["fulfillmentOrderIds"]!.AsArray().Count);

        var order = await _admin.GetOrder(orderId);
        Assert.Equal("waiting_to_fulfill", order["status"].Str());
        Assert.Equal("allocated", order.LineOf("lx")["status"].Str());
        Assert.Equal(2, order.LineOf("lx")["quantityAllocated"].Int());
        Assert.Equal(2, order["fulfillmentOrders"]!.AsArray().Count);
        await _admin.AssertQuantitiesHold(orderId);
        // The capture's hold moved from the group to the locations: the group's sums are unchanged, the locations hold it now.
        Assert.Equal(Figures.With(2, reserved: 2), await _admin.AtLocation(x, net.StLouis));
        Assert.Equal(Figures.With(6, reserved: 2), await _admin.AtGroup(x, net.Group));
        Assert.Equal(Figures.With(3, reserved: 3), await _admin.AtLocation(z, net.Dallas));
        Assert.Equal(Figures.With(6, reserved: 3), await _admin.AtGroup(z, net.Group));

        var fos = await _admin.FulfillmentOrdersOf(orderId);
        var store = Assert.Single(fos, f => f["location"].Str() == net.StLouis);
        Assert.Equal("allocated", store["status"].Str());
        var storeLine = store["lines"]![0]!;

        // The store cannot find the shirts: the line goes back, the store's hold is released and the order holds it at the group again.
        var rejected = await (await _admin.PostJson($"/api/v1/fulfillment-orders/{store["id"].Str()}/reject-lines",
            FulfillmentApi.Body(storeLine["id"].Str(), 2))).Expect(HttpStatusCode.OK);
        Assert.Equal("canceled", rejected["status"].Str());
        Assert.Equal(2, rejected["lines"]![0]!["quantityRejected"].Int());
        order = await _admin.GetOrder(orderId);
        Assert.Equal(0, order.LineOf("lx")["quantityAllocated"].Int());
        Assert.Equal(2, order.LineOf("lx")["quantityAvailableToFulfill"].Int());
        Assert.Equal(Figures.With(2), await _admin.AtLocation(x, net.StLouis));
        Assert.Equal(Figures.With(6, reserved: 2), await _admin.AtGroup(x, net.Group));
        await _admin.AssertQuantitiesHold(orderId);

        // Rerouted: never back to the store, and Chicago is the nearest other place with the shirts.
        var reroute = await _admin.Route(orderId);
        Assert.Equal(2, reroute["number"].Int());
        var moved = Assert.Single(reroute["allocations"]!.AsArray());
        Assert.Equal((x, net.Chicago, 2), (moved!["sku"].Str(), moved["location"].Str(), moved["quantity"].Int()));
        Assert.Contains(reroute["candidates"]!.AsArray(), c => c!["location"].Str() == net.StLouis && c["outcome"].Str() == "dropped");
        order = await _admin.GetOrder(orderId);
        Assert.Equal("waiting_to_fulfill", order["status"].Str());
        Assert.Equal(3, order["fulfillmentOrders"]!.AsArray().Count);
        Assert.Equal(Figures.With(2, reserved: 2), await _admin.AtLocation(x, net.Chicago));
        Assert.Equal(Figures.With(6, reserved: 2), await _admin.AtGroup(x, net.Group));
        await _admin.AssertQuantitiesHold(orderId);

        // Nothing is left to route.
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/route", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");

        // A backordered order waits for stock, then routes.
        var w = NewSku("W");
        var backordered = await net.PlaceAsync(_admin, RoutingScenario.Line("lw", w, 4));
        var first = await _admin.Route(backordered);
        Assert.Equal("backordered", first["outcome"].Str());
        Assert.NotNull(first["nextAttemptDueAt"]);
        Assert.Equal("backordered", (await _admin.GetOrder(backordered))["status"].Str());
        var attempts = await _admin.ReadAll($"/api/v1/orders/{backordered}/routing-attempts");
        Assert.Equal(["completed", "scheduled"], attempts.Select(a => a["status"].Str()));

        await _admin.PutStock(net.Newark, w, 4);
        var second = await _admin.Route(backordered);
        Assert.Equal("routed", second["outcome"].Str());
        Assert.Equal(2, second["number"].Int());
        Assert.Equal("waiting_to_fulfill", (await _admin.GetOrder(backordered))["status"].Str());
        Assert.Equal(Figures.With(4, reserved: 4), await _admin.AtLocation(w, net.Newark));
        Assert.Equal(Figures.With(4, reserved: 4), await _admin.AtGroup(w, net.Group));
        await _admin.AssertQuantitiesHold(backordered);

        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        var types = events.Select(e => e["type"].Str()).ToList();
        Assert.Contains("order.routed", types);
        Assert.Contains("fulfillment_order.created", types);
        Assert.Contains("fulfillment_order.lines_rejected", types);
        Assert.Contains("order.status_changed", types);
        Assert.Contains("order.backordered", (await _admin.AllEvents($"&subject={backordered}", atLeast: 1)).Select(e => e["type"].Str()));
    }

    [Fact]
    public async Task Partial_routing_ships_what_is_there_and_all_or_nothing_allocates_nothing()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var (a, b) = (NewSku("A"), NewSku("B"));
        await _admin.PutStock(net.Chicago, a, 5);

        var strict = await net.PlaceAsync(_admin, RoutingScenario.Line("la", a, 1), RoutingScenario.Line("lb", b, 1));
        var none = await _admin.Route(strict, partial: false);
        Assert.Equal("backordered", none["outcome"].Str());
        Assert.Empty(none["allocations"]!.AsArray());
        Assert.Equal(0, (await _admin.GetOrder(strict)).LineOf("la")["quantityAllocated"].Int());

        var some = await _admin.Route(strict);
        Assert.Equal("partially_routed", some["outcome"].Str());
        var order = await _admin.GetOrder(strict);
        Assert.Equal("backordered", order["status"].Str());
        Assert.Equal("allocated", order.LineOf("la")["status"].Str());
        Assert.Equal("ordered", order.LineOf("lb")["status"].Str());
        Assert.Equal(b, Assert.Single(some["shortLines"]!.AsArray())!["sku"].Str());
        await _admin.AssertQuantitiesHold(strict);
    }

    [Fact]
    public async Task A_rejected_line_with_nothing_left_elsewhere_does_not_stop_the_rest_from_routing_partly()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var (x, y) = (NewSku("X"), NewSku("Y"));
        await _admin.PutStock(net.StLouis, x, 2);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("lx", x, 2), RoutingScenario.Line("ly", y, 2));
        var first = await _admin.Route(orderId);
        Assert.Equal("partially_routed", first["outcome"].Str());
        var fo = Assert.Single(await _admin.FulfillmentOrdersOf(orderId));
        await (await _admin.PostJson($"/api/v1/fulfillment-orders/{fo["id"].Str()}/reject-lines",
            FulfillmentApi.Body(fo["lines"]![0]!["id"].Str(), 2))).Expect(HttpStatusCode.OK);

        // The shirts are nowhere but at the store that rejected them; one Y arrived in Dallas: that one routes, the rest waits.
        await _admin.PutStock(net.Dallas, y, 1);
        var second = await _admin.Route(orderId);
        Assert.Equal("partially_routed", second["outcome"].Str());
        var moved = Assert.Single(second["allocations"]!.AsArray())!;
        Assert.Equal((y, net.Dallas, 1), (moved["sku"].Str(), moved["location"].Str(), moved["quantity"].Int()));
        Assert.Equal(3, second["shortLines"]!.AsArray().Sum(l => l!["quantity"].Int()));
        await _admin.AssertQuantitiesHold(orderId);
    }

    [Fact]
    public async Task Two_routes_of_one_order_at_once_allocate_it_once()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.Dallas, sku, 3);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("l1", sku, 3));

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _admin.PostJson($"/api/v1/orders/{orderId}/route", null)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var r in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            Assert.Contains((await r.Json())["code"].Str(), new[] { "invalid_transition", "version_conflict" });
        Assert.Single(await _admin.FulfillmentOrdersOf(orderId));
        Assert.Equal(3, (await _admin.GetOrder(orderId)).LineOf("l1")["quantityAllocated"].Int());
        Assert.Equal(Figures.With(3, reserved: 3), await _admin.AtLocation(sku, net.Dallas));
        Assert.Equal(Figures.With(3, reserved: 3), await _admin.AtGroup(sku, net.Group));
    }

    [Fact]
    public async Task Routing_a_created_order_is_an_invalid_transition_and_changes_nothing()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.Dallas, sku, 3);
        var order = await (await _admin.PostJson("/api/v1/orders", net.Order(RoutingScenario.Line("l1", sku, 1)))).Expect(HttpStatusCode.Created);
        var problem = await (await _admin.PostJson($"/api/v1/orders/{order["id"].Str()}/route", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Contains("created", problem["detail"].Str(), StringComparison.Ordinal);
        Assert.Empty(await _admin.ReadAll($"/api/v1/orders/{order["id"].Str()}/routing-attempts"));
        await (await _admin.PostJson("/api/v1/orders/nope/route", null)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.PostRaw($"/api/v1/orders/{order["id"].Str()}/route", """{ "partial": "yes" }""")).ExpectFieldError("partial");
    }

    [Fact]
    public async Task Max_splits_of_the_channel_bounds_the_route()
    {
        var net = await RoutingScenario.CreateAsync(_admin, maxSplits: 0);
        var (a, b) = (NewSku("A"), NewSku("B"));
        await _admin.PutStock(net.Chicago, a, 1);
        await _admin.PutStock(net.Dallas, b, 1);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("la", a, 1), RoutingScenario.Line("lb", b, 1));
        var attempt = await _admin.Route(orderId, partial: false);
        Assert.Equal("backordered", attempt["outcome"].Str());
        Assert.Contains("maxSplits 0", attempt["explanation"].Str(), StringComparison.Ordinal);
    }
}

public sealed class RouteOrderOnSqlite(SqliteServer server) : RouteOrderTests(server), IClassFixture<SqliteServer>;

public sealed class RouteOrderOnPostgres(PostgresServer server) : RouteOrderTests(server), IClassFixture<PostgresServer>;
