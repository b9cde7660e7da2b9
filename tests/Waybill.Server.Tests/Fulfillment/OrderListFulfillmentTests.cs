using System.Net;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>The order list shows each order as <c>GET /orders/{id}</c> does, its fulfillment orders included.</summary>
public abstract class OrderListFulfillmentTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task Each_listed_order_carries_the_fulfillment_orders_the_single_order_shows()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var (a, b) = (NewSku("A"), NewSku("B"));
        await _admin.PutStock(net.Chicago, a, 5);
        await _admin.PutStock(net.Dallas, b, 5);
        var twoPlaces = await net.PlaceAsync(_admin, RoutingScenario.Line("la", a, 1), RoutingScenario.Line("lb", b, 1));
        var onePlace = await net.PlaceAsync(_admin, RoutingScenario.Line("la", a, 2));
        var notRouted = await net.PlaceAsync(_admin, RoutingScenario.Line("lb", b, 1));
        await _admin.Route(twoPlaces);
        await _admin.Route(onePlace);

        var page = await (await _admin.GetAsync($"/api/v1/orders?channel={net.Channel}")).Expect(HttpStatusCode.OK);
        var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(3, items.Count);
        var counts = new Dictionary<string, int> { [twoPlaces] = 2, [onePlace] = 1, [notRouted] = 0 };
        foreach (var item in items)
        {
            var id = item["id"].Str();
            Assert.Equal(counts[id], item["fulfillmentOrders"]!.AsArray().Count);
            var single = await _admin.GetOrder(id);
            Assert.Equal(single["fulfillmentOrders"]!.ToJsonString(), item["fulfillmentOrders"]!.ToJsonString());
        }
    }
}

public sealed class OrderListFulfillmentOnSqlite(SqliteServer server) : OrderListFulfillmentTests(server), IClassFixture<SqliteServer>;

public sealed class OrderListFulfillmentOnPostgres(PostgresServer server) : OrderListFulfillmentTests(server), IClassFixture<PostgresServer>;
