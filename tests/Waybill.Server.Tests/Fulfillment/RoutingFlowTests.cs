using System.Net;
using Waybill.Server.Tests.Automation;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>
/// The default flows route on their own: a captured order is approved (fraud flow) and routed (flow 2); a rejected line
/// is rerouted elsewhere (flow 3); stock that arrives routes the order that waited for it (flow 2).
/// </summary>
public abstract class RoutingFlowTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Flows_route_an_approved_order_reroute_a_rejected_line_and_route_a_backorder_when_stock_arrives()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var (x, w) = (NewSku("X"), NewSku("W"));
        await _admin.PutStock(net.StLouis, x, 2);
        await _admin.PutStock(net.Newark, x, 2);

        var order = await (await _admin.PostJson("/api/v1/orders", net.Order(RoutingScenario.Line("lx", x, 2), RoutingScenario.Line("lw", w, 1))))
            .Expect(HttpStatusCode.Created);
        var orderId = order["id"].Str();
        // Partly routed: the shirts go to the store nearby, the W is backordered.
        var routed = await Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "backordered");
        Assert.Equal("backordered", routed["status"].Str());
        var fo = Assert.Single(await _admin.FulfillmentOrdersOf(orderId));
        Assert.Equal(net.StLouis, fo["location"].Str());

        await (await _admin.PostJson($"/api/v1/fulfillment-orders/{fo["id"].Str()}/reject-lines",
            FulfillmentApi.Body(fo["lines"]![0]!["id"].Str(), 2))).Expect(HttpStatusCode.OK);
        var rerouted = await Eventually(() => _admin.FulfillmentOrdersOf(orderId), f => f.Count == 2);
        Assert.Equal(net.Newark, Assert.Single(rerouted, f => f["status"].Str() == "allocated")["location"].Str());

        await _admin.PutStock(net.Chicago, w, 1);
        var waiting = await Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "waiting_to_fulfill");
        Assert.Equal("waiting_to_fulfill", waiting["status"].Str());
        var all = await _admin.FulfillmentOrdersOf(orderId);
        Assert.Contains(all, f => f["location"].Str() == net.Chicago);
        Assert.DoesNotContain(all, f => f["location"].Str() == net.StLouis && f["status"].Str() == "allocated");
        await _admin.AssertQuantitiesHold(orderId);
        Assert.Equal(Figures.With(2, reserved: 2), await _admin.AtLocation(x, net.Newark));
        Assert.Equal(Figures.With(2), await _admin.AtLocation(x, net.StLouis));
        Assert.Equal(Figures.With(1, reserved: 1), await _admin.AtLocation(w, net.Chicago));
    }
}

public sealed class RoutingFlowOnSqlite(FlowSqliteServer server) : RoutingFlowTests(server), IClassFixture<FlowSqliteServer>;

public sealed class RoutingFlowOnPostgres(FlowPostgresServer server) : RoutingFlowTests(server), IClassFixture<FlowPostgresServer>;
