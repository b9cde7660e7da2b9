using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>
/// <c>POST /routing/simulate</c> replays the attempts of a period against the stock each saw: the recorded strategy gives the
/// recorded allocations, maxSplits 0 trades splits for backorders, a cost ranking moves the allocations, an empty period is
/// all zeros, bad input names its field and nothing is written. Tests of one class run one after another, so a period from
/// a test's first attempt to its last holds only that test's attempts.
/// </summary>
public abstract class SimulateRoutingTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Simulate(string from, string to, JsonObject? strategy = null) =>
        new() { ["from"] = from, ["to"] = to, ["strategy"] = strategy ?? new JsonObject() };

    private async Task<JsonObject> SimulateOk(string from, string to, JsonObject? strategy = null) =>
        await (await _admin.PostJson("/api/v1/routing/simulate", Simulate(from, to, strategy))).Expect(HttpStatusCode.OK);

    /// <summary>A period holding exactly these attempts: from the first's completion to just after the last's.</summary>
    private static (string From, string To) Around(JsonObject first, JsonObject last) =>
        (first["completedAt"].Str(), DateTimeOffset.Parse(last["completedAt"].Str(), System.Globalization.CultureInfo.InvariantCulture).AddMilliseconds(1).ToString("O"));

    [Fact]
    public async Task Replaying_as_recorded_gives_the_recorded_route_and_max_splits_0_trades_splits_for_backorders()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var (a, b, c) = (NewSku("A"), NewSku("B"), NewSku("C"));
        await _admin.PutStock(net.Chicago, a, 1);
        await _admin.PutStock(net.Dallas, b, 1);
        await _admin.PutStock(net.Newark, c, 5);
        // Two locations (one split) and one location.
        var split = await net.PlaceAsync(_admin, RoutingScenario.Line("la", a, 1), RoutingScenario.Line("lb", b, 1));
        var single = await net.PlaceAsync(_admin, RoutingScenario.Line("lc", c, 2));
        var first = await _admin.Route(split);
        var last = await _admin.Route(single);
        Assert.Equal("routed", first["outcome"].Str());
        var (from, to) = Around(first, last);

        var same = await SimulateOk(from, to);
        Assert.Equal(2, same["attempts"].Int());
        Assert.Equal(2, same["orders"].Int());
        Assert.Equal(0, same["notReplayable"].Int());
        Assert.Equal(same["before"]!.ToJsonString(), same["after"]!.ToJsonString());
        Assert.Equal(3, same["before"]!["shipments"].Int());
        Assert.Equal(1, same["before"]!["splits"].Int());
        Assert.Equal(0, same["before"]!["backorderedAttempts"].Int());
        Assert.Equal(4, same["before"]!["routedUnits"].Int());
        Assert.NotNull(same["before"]!["averageDistanceKm"]);
        foreach (var row in same["items"]!.AsArray())
            Assert.Equal(row!["before"]!.ToJsonString(), row["after"]!.ToJsonString());

        var strict = await SimulateOk(from, to, new JsonObject { ["maxSplits"] = 0 });
        Assert.Equal(0, strict["strategy"]!["maxSplits"].Int());
        Assert.Equal(0, strict["after"]!["splits"].Int());
        Assert.Equal(1, strict["after"]!["backorderedAttempts"].Int());
        Assert.Equal(2, strict["after"]!["shortUnits"].Int());
        Assert.Equal(same["before"]!.ToJsonString(), strict["before"]!.ToJsonString());
        var row0 = Assert.Single(strict["items"]!.AsArray(), r => r!["orderId"].Str() == split)!;
        Assert.Equal(2, row0["before"]!["shipments"].Int());
        Assert.Equal(0, row0["after"]!["shipments"].Int());
        Assert.Empty(row0["after"]!["allocations"]!.AsArray());

        // Nothing was written: the orders and their attempts are as they were.
        Assert.Equal("waiting_to_fulfill", (await _admin.GetOrder(split))["status"].Str());
        Assert.Single(await _admin.ReadAll($"/api/v1/orders/{split}/routing-attempts"));
    }

    [Fact]
    public async Task A_cost_ranking_that_favours_another_location_moves_the_allocations()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var x = NewSku("X");
        await _admin.PutStock(net.StLouis, x, 2);
        await _admin.PutStock(net.Newark, x, 2);
        var orderId = await net.PlaceAsync(_admin, RoutingScenario.Line("lx", x, 2));
        var attempt = await _admin.Route(orderId);
        Assert.Equal(net.StLouis, Assert.Single(attempt["allocations"]!.AsArray())!["location"].Str());
        var (from, to) = Around(attempt, attempt);

        var costs = new JsonObject { [net.StLouis] = 12.5, [net.Newark] = 4 };
        var cheap = await SimulateOk(from, to, new JsonObject { ["shipmentCosts"] = costs });
        Assert.Equal("cost", cheap["strategy"]!["ranking"].Str());
        var row = Assert.Single(cheap["items"]!.AsArray())!;
        Assert.Equal([net.StLouis], row["before"]!["locations"]!.AsArray().Select(l => l.Str()));
        Assert.Equal([net.Newark], row["after"]!["locations"]!.AsArray().Select(l => l.Str()));
        var moved = Assert.Single(row["after"]!["allocations"]!.AsArray())!;
        Assert.Equal((x, net.Newark, 2), (moved["sku"].Str(), moved["location"].Str(), moved["quantity"].Int()));
        Assert.True(cheap["after"]!["averageDistanceKm"].Dec() > cheap["before"]!["averageDistanceKm"].Dec());

        // Taking St. Louis out of the network moves it too; distance ranking is the default.
        var without = await SimulateOk(from, to, new JsonObject { ["excludeLocations"] = new JsonArray(net.StLouis) });
        Assert.Equal("distance", without["strategy"]!["ranking"].Str());
        Assert.Equal([net.Newark], Assert.Single(without["items"]!.AsArray())!["after"]!["locations"]!.AsArray().Select(l => l.Str()));
    }

    [Fact]
    public async Task A_period_without_attempts_is_all_zeros()
    {
        var empty = await SimulateOk("2001-01-01T00:00:00Z", "2001-02-01T00:00:00Z", new JsonObject { ["maxSplits"] = 0 });
        Assert.Equal(0, empty["attempts"].Int());
        Assert.Equal(0, empty["orders"].Int());
        Assert.Equal(0, empty["itemCount"].Int());
        Assert.Empty(empty["items"]!.AsArray());
        foreach (var side in new[] { "before", "after" })
        {
            var totals = empty[side]!;
            Assert.Equal(0, totals["shipments"].Int());
            Assert.Equal(0, totals["splits"].Int());
            Assert.Equal(0, totals["backorderedAttempts"].Int());
            Assert.Equal(0, totals["shortUnits"].Int());
            Assert.Null(totals["averageDistanceKm"]);
        }
    }

    [Fact]
    public async Task A_period_with_more_attempts_than_one_call_replays_is_refused_naming_from_and_to()
    {
        var net = await RoutingScenario.CreateAsync(_admin);
        var sku = NewSku();
        var routed = new List<JsonObject>();
        // Backordered each time: every route completes one attempt (the host allows 3 a call).
        for (var i = 0; i < 4; i++) routed.Add(await _admin.Route(await net.PlaceAsync(_admin, RoutingScenario.Line("l", sku, 1))));
        var (from, to) = Around(routed[0], routed[^1]);
        var problem = await (await _admin.PostJson("/api/v1/routing/simulate", Simulate(from, to))).ExpectProblem(HttpStatusCode.UnprocessableEntity, "too_many_attempts");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("from"));
        Assert.True(problem["errors"]!.AsObject().ContainsKey("to"));
        var (fewer, _) = Around(routed[1], routed[1]);
        Assert.Equal(3, (await SimulateOk(fewer, to))["attempts"].Int());
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_the_plan_roles_apply()
    {
        async Task Field(JsonObject body, string field) =>
            await (await _admin.PostJson("/api/v1/routing/simulate", body)).ExpectFieldError(field);
        const string from = "2026-01-01T00:00:00Z", to = "2026-02-01T00:00:00Z";
        await Field(Simulate(to, from), "to");
        await Field(Simulate(from, from), "to");
        await Field(Simulate("yesterday", to), "from");
        await Field(new JsonObject { ["to"] = to, ["strategy"] = new JsonObject() }, "from");
        await Field(new JsonObject { ["from"] = from, ["to"] = to }, "strategy");
        await Field(Simulate(from, to, new JsonObject { ["maxSplits"] = -1 }), "strategy.maxSplits");
        await Field(Simulate(from, to, new JsonObject { ["ranking"] = "fastest" }), "strategy.ranking");
        await Field(Simulate(from, to, new JsonObject { ["ranking"] = "cost" }), "strategy.shipmentCosts");
        await Field(Simulate(from, to, new JsonObject { ["shipmentCosts"] = new JsonObject { ["WH-1"] = -1 } }), "strategy.shipmentCosts.WH-1");
        await Field(Simulate(from, to, new JsonObject { ["ranking"] = "distance", ["shipmentCosts"] = new JsonObject { ["WH-1"] = 1 } }), "strategy.ranking");

        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson("/api/v1/routing/simulate", Simulate(from, to))).Expect(HttpStatusCode.OK);
        var fulfillment = await server.ClientWithRole("fulfillment", "WH-1");
        await (await fulfillment.PostJson("/api/v1/routing/simulate", Simulate(from, to))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}

/// <summary>Three attempts a simulation at most, so the bound is reached with a few orders.</summary>
public class SimulateSqliteServer : SqliteServer
{
    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder web) => web.UseSetting("Routing:SimulationMaxAttempts", "3");
}

public class SimulatePostgresServer : PostgresServer
{
    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder web) => web.UseSetting("Routing:SimulationMaxAttempts", "3");
}

public sealed class SimulateRoutingOnSqlite(SimulateSqliteServer server) : SimulateRoutingTests(server), IClassFixture<SimulateSqliteServer>;

public sealed class SimulateRoutingOnPostgres(SimulatePostgresServer server) : SimulateRoutingTests(server), IClassFixture<SimulatePostgresServer>;
