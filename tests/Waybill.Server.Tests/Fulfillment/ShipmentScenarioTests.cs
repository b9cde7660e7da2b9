using System.Net;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>
/// The issue's path end to end: an order routed to several locations ships partially then fully; a backordered order
/// ships what it has, then the rest once stock arrives. After every step the API shows domain.md's invariants: the
/// order's line quantities and statuses, the order's status, and stock figures that add up from locations to the group.
/// </summary>
public abstract class ShipmentScenarioTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task AssertStockAddsUp(RoutingScenario net, string sku, params (string Location, Figures Expected)[] expected)
    {
        foreach (var (location, figures) in expected) Assert.Equal(figures, await _admin.AtLocation(sku, location));
        var locations = new List<Figures>();
        foreach (var location in new[] { net.Chicago, net.Dallas, net.Newark, net.StLouis }) locations.Add(await _admin.AtLocation(sku, location));
        var group = await _admin.AtGroup(sku, net.Group);
        // No hold is left at the group once routed: the group's figures are exactly its locations' sums.
        Assert.Equal(locations.Sum(f => f.OnHand), group.OnHand);
        Assert.Equal(locations.Sum(f => f.Reserved), group.Reserved);
        Assert.Equal(locations.Sum(f => f.AvailableToFulfill), group.AvailableToFulfill);
        Assert.All(locations, f => Assert.Equal(f.OnHand - f.Reserved - f.SafetyStock, f.AvailableToFulfill));
    }

    private async Task AssertOrder(string orderId, string status, int fulfilled)
    {
        var order = await _admin.GetOrder(orderId);
        Assert.Equal(status, order["status"].Str());
        Assert.Equal(fulfilled, order.LineOf("l1")["quantityFulfilled"].Int());
        await _admin.AssertQuantitiesHold(orderId);
    }

    [Fact]
    public async Task An_order_split_over_two_locations_ships_partially_then_fully()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.Chicago, sku, 2);
        await _admin.PutStock(net.Dallas, sku, 2);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("l1", sku, 4));
        Assert.Equal("routed", (await _admin.Route(orderId))["outcome"].Str());
        var fos = await _admin.FulfillmentOrdersOf(orderId);
        Assert.Equal(2, fos.Count);
        var chicago = fos.Single(f => f["location"].Str() == net.Chicago);
        var dallas = fos.Single(f => f["location"].Str() == net.Dallas);
        await AssertOrder(orderId, "waiting_to_fulfill", 0);
        await AssertStockAddsUp(net, sku, (net.Chicago, Figures.With(2, reserved: 2)), (net.Dallas, Figures.With(2, reserved: 2)));

        await _admin.Ship(chicago["id"].Str(), (chicago["lines"]![0]!["id"].Str(), 1));
        await AssertOrder(orderId, "partially_fulfilled", 1);
        await AssertStockAddsUp(net, sku, (net.Chicago, Figures.With(1, reserved: 1)), (net.Dallas, Figures.With(2, reserved: 2)));

        await _admin.Ship(dallas["id"].Str(), (dallas["lines"]![0]!["id"].Str(), 2));
        await AssertOrder(orderId, "partially_fulfilled", 3);
        await AssertStockAddsUp(net, sku, (net.Chicago, Figures.With(1, reserved: 1)), (net.Dallas, Figures.Zero));

        await _admin.Ship(chicago["id"].Str(), (chicago["lines"]![0]!["id"].Str(), 1));
        await AssertOrder(orderId, "fulfilled", 4);
        await AssertStockAddsUp(net, sku, (net.Chicago, Figures.Zero), (net.Dallas, Figures.Zero));
        Assert.All(await _admin.FulfillmentOrdersOf(orderId), f => Assert.Equal("fulfilled", f["status"].Str()));
    }

    [Fact]
    public async Task A_backordered_order_ships_what_it_has_and_the_rest_once_stock_arrives()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        await _admin.PutStock(net.Dallas, sku, 1);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("l1", sku, 3));
        Assert.Equal("partially_routed", (await _admin.Route(orderId))["outcome"].Str());
        await AssertOrder(orderId, "backordered", 0);
        await AssertStockAddsUp(net, sku, (net.Dallas, Figures.With(1, reserved: 1)));

        // Shipping what was there leaves the order backordered: two units still wait for stock (decision 0025).
        await _admin.ShipEverythingOpen(orderId);
        await AssertOrder(orderId, "backordered", 1);
        await AssertStockAddsUp(net, sku, (net.Dallas, Figures.Zero));

        await _admin.PutStock(net.Newark, sku, 5);
        Assert.Equal("routed", (await _admin.Route(orderId))["outcome"].Str());
        await AssertOrder(orderId, "partially_fulfilled", 1);
        await AssertStockAddsUp(net, sku, (net.Dallas, Figures.Zero), (net.Newark, Figures.With(5, reserved: 2)));

        await _admin.ShipEverythingOpen(orderId);
        await AssertOrder(orderId, "fulfilled", 3);
        await AssertStockAddsUp(net, sku, (net.Dallas, Figures.Zero), (net.Newark, Figures.With(3)));
        var changes = (await _admin.AllEvents($"&subject={orderId}&types=order.status_changed", atLeast: 4))
            .Select(e => $"{e["data"]!["previousStatus"].Str()}>{e["data"]!["status"].Str()}").ToList();
        Assert.Equal(["created>approved", "approved>backordered", "backordered>partially_fulfilled", "partially_fulfilled>fulfilled"], changes);
    }
}

public sealed class ShipmentScenarioOnSqlite(SqliteServer server) : ShipmentScenarioTests(server), IClassFixture<SqliteServer>;

public sealed class ShipmentScenarioOnPostgres(PostgresServer server) : ShipmentScenarioTests(server), IClassFixture<PostgresServer>;
