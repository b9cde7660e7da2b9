using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>
/// A backordered order is tried again on its schedule (<c>Routing:RetryInterval</c>, one second here): once stock is there
/// the scheduled attempt routes it; without stock the attempt numbered <c>Routing:MaxAttempts</c> (3 here) is abandoned, a
/// routing process exception asks a person, and nothing further is scheduled. The default flows are off, so only the
/// retry job routes.
/// </summary>
public abstract class BackorderRetryTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(200);
        }
    }

    private Task<List<JsonObject>> Attempts(string orderId) => _admin.ReadAll($"/api/v1/orders/{orderId}/routing-attempts");

    [Fact]
    public async Task A_scheduled_attempt_routes_the_order_once_stock_is_there()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var w = NewSku("W");
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("lw", w, 3));
        var first = await _admin.Route(orderId);
        Assert.Equal("backordered", first["outcome"].Str());
        Assert.NotNull(first["nextAttemptDueAt"]);
        var scheduled = (await Attempts(orderId)).Last();
        Assert.Equal(("scheduled", 2), (scheduled["status"].Str(), scheduled["number"].Int()));

        await _admin.PutStock(net.Dallas, w, 3);
        // On a busy machine a retry may come due before the stock is put: then a later one routes it.
        var attempts = await Eventually(() => Attempts(orderId), a => a.Count >= 2 && a[^1]["status"].Str() == "completed");
        var retried = attempts[^1];
        Assert.Equal(("completed", "routed"), (retried["status"].Str(), retried["outcome"].Str()));
        Assert.Equal("system:routing-retry", retried["actor"].Str());
        Assert.All(attempts.SkipLast(1), a => Assert.Equal(("completed", "backordered"), (a["status"].Str(), a["outcome"].Str())));
        Assert.Equal((net.Dallas, 3), (Assert.Single(retried["allocations"]!.AsArray())!["location"].Str(), retried["allocations"]![0]!["quantity"].Int()));

        var order = await _admin.GetOrder(orderId);
        Assert.Equal("waiting_to_fulfill", order["status"].Str());
        Assert.Single(order["fulfillmentOrders"]!.AsArray());
        Assert.Equal(Figures.With(3, reserved: 3), await _admin.AtLocation(w, net.Dallas));
        await _admin.AssertQuantitiesHold(orderId);
        // Routed: nothing more is scheduled, and a while later there is still nothing new.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(attempts.Count, (await Attempts(orderId)).Count);
        Assert.Contains("order.routed", (await _admin.AllEvents($"&subject={orderId}", atLeast: 1)).Select(e => e["type"].Str()));
    }

    [Fact]
    public async Task A_held_order_keeps_its_schedule_and_routes_after_the_hold_is_released()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var w = NewSku("W");
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("lw", w, 1));
        await _admin.Route(orderId);
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/hold", new JsonObject { ["reason"] = "address check" })).Expect(HttpStatusCode.OK);
        await _admin.PutStock(net.Chicago, w, 1);
        // The attempt comes due while the order is held: it is not routed, and not given up either.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal("on_hold", (await _admin.GetOrder(orderId))["status"].Str());
        var waiting = await Attempts(orderId);
        Assert.Equal("scheduled", waiting[^1]["status"].Str());
        Assert.All(waiting.SkipLast(1), a => Assert.Equal("completed", a["status"].Str()));

        await (await _admin.PostJson($"/api/v1/orders/{orderId}/release-hold", null)).Expect(HttpStatusCode.OK);
        var order = await Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "waiting_to_fulfill");
        Assert.Equal("waiting_to_fulfill", order["status"].Str());
        var attempts = await Attempts(orderId);
        Assert.Equal(waiting.Count, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("completed", a["status"].Str()));
        Assert.Equal("routed", attempts[^1]["outcome"].Str());
        await _admin.AssertQuantitiesHold(orderId);
    }

    [Fact]
    public async Task Without_stock_the_last_allowed_attempt_is_abandoned_and_a_routing_process_exception_is_raised()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var w = NewSku("W");
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("lw", w, 2));
        await _admin.Route(orderId);

        var attempts = await Eventually(() => Attempts(orderId), a => a.Any(x => x["status"].Str() == "abandoned"));
        Assert.Equal([1, 2, 3], attempts.Select(a => a["number"].Int()));
        Assert.Equal(["completed", "completed", "abandoned"], attempts.Select(a => a["status"].Str()));
        Assert.All(attempts, a => Assert.Equal("backordered", a["outcome"].Str()));
        Assert.Equal("system:routing-retry", attempts[2]["actor"].Str());
        Assert.Null(attempts[2]["nextAttemptDueAt"]);
        Assert.Contains("attempt 3 of 3", attempts[2]["explanation"].Str(), StringComparison.Ordinal);

        var exceptions = (await (await _admin.GetAsync($"/api/v1/process-exceptions?orderId={orderId}")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        var raised = Assert.Single(exceptions)!;
        Assert.Equal("routing", raised["category"].Str());
        Assert.Equal("backordered", (await _admin.GetOrder(orderId))["status"].Str());

        // No further attempt is scheduled: a while later there are still three, and one process exception.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(3, (await Attempts(orderId)).Count);
        Assert.Single((await (await _admin.GetAsync($"/api/v1/process-exceptions?orderId={orderId}")).Expect(HttpStatusCode.OK))["items"]!.AsArray());
    }
}

/// <summary>Retries one second apart, three attempts at most, the job worker polling often.</summary>
internal static class RetryHost
{
    public static void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Routing:RetryInterval", "00:00:01");
        web.UseSetting("Routing:MaxAttempts", "3");
        web.UseSetting("Jobs:PollInterval", "00:00:00.200");
    }
}

public class RetrySqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => RetryHost.Configure(web);
}

public class RetryPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => RetryHost.Configure(web);
}

public sealed class BackorderRetryOnSqlite(RetrySqliteServer server) : BackorderRetryTests(server), IClassFixture<RetrySqliteServer>;

public sealed class BackorderRetryOnPostgres(RetryPostgresServer server) : BackorderRetryTests(server), IClassFixture<RetryPostgresServer>;
