using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Routing;

public abstract class PlanRouteTests(WaybillServer server)
{
    private const string Path = "/api/v1/routing/plan";
    private readonly HttpClient _admin = server.Client();

    private static readonly string[] DocumentedFields = ["feasible", "locationCount", "splits", "allocations", "averageDistanceKm", "explanation"];

    /// <summary>Three lines; no location has all three; the Boston store with Dallas is the nearest pair.</summary>
    private static JsonObject IssueScenario(int maxSplits = 3) => new()
    {
        ["lines"] = new JsonArray(Line("A", 2), Line("B", 1), Line("C", 3)),
        ["locations"] = new JsonArray(
            Location("WH-NJ", 40.73, -74.17, 0, ("A", 2), ("B", 1)),
            Location("WH-TX", 32.78, -96.80, 0, ("B", 1), ("C", 3)),
            Location("WH-CA", 34.05, -118.24, 0, ("A", 2), ("C", 3)),
            Location("STORE-BOS", 42.35, -71.07, 0, ("A", 2))),
        ["destination"] = new JsonObject { ["latitude"] = 42.36, ["longitude"] = -71.06 },
        ["maxSplits"] = maxSplits,
    };

    private static JsonObject Line(string sku, int quantity) => new() { ["sku"] = sku, ["quantity"] = quantity };

    private static JsonObject Location(string code, double latitude, double longitude, int priority, params (string Sku, long Quantity)[] stock)
    {
        var stockObject = new JsonObject();
        foreach (var (sku, quantity) in stock) stockObject[sku] = quantity;
        return new JsonObject { ["code"] = code, ["latitude"] = latitude, ["longitude"] = longitude, ["priority"] = priority, ["stock"] = stockObject };
    }

    [Fact]
    public async Task A_feasible_plan_answers_the_documented_shape_with_the_fewest_locations_nearest_first()
    {
        var plan = await (await _admin.PostJson(Path, IssueScenario())).Expect(HttpStatusCode.OK);

        foreach (var field in DocumentedFields) Assert.True(plan.ContainsKey(field), $"'{field}' is missing");
        Assert.True(plan["feasible"]!.GetValue<bool>());
        Assert.Equal(2, plan["locationCount"]!.GetValue<int>());
        Assert.Equal(1, plan["splits"]!.GetValue<int>());
        Assert.Equal(["STORE-BOS", "WH-TX"], plan["locations"]!.AsArray().Select(l => l.Str()));
        var allocations = plan["allocations"]!.AsArray().Select(a => (a!["location"].Str(), a["sku"].Str(), a["quantity"]!.GetValue<int>())).ToArray();
        Assert.Equal([("STORE-BOS", "A", 2), ("WH-TX", "B", 1), ("WH-TX", "C", 3)], allocations);
        // Boston store ≈ 1.4 km, Dallas ≈ 2,500 km from the Boston destination.
        Assert.InRange(plan["averageDistanceKm"]!.GetValue<double>(), 1200, 1300);
        Assert.Contains("STORE-BOS, WH-TX", plan["explanation"].Str(), StringComparison.Ordinal);
        Assert.True(plan["provenOptimal"]!.GetValue<bool>());
        var candidates = plan["candidates"]!.AsArray();
        Assert.Equal(4, candidates.Count);
        Assert.Equal("not_chosen", candidates.Single(c => c!["location"].Str() == "WH-NJ")!["outcome"].Str());
        Assert.Equal("chosen", candidates.Single(c => c!["location"].Str() == "WH-TX")!["outcome"].Str());
    }

    [Fact]
    public async Task No_route_within_max_splits_is_200_not_feasible_with_empty_allocations()
    {
        var plan = await (await _admin.PostJson(Path, IssueScenario(maxSplits: 0))).Expect(HttpStatusCode.OK);

        Assert.False(plan["feasible"]!.GetValue<bool>());
        Assert.Equal(0, plan["locationCount"]!.GetValue<int>());
        Assert.Equal(0, plan["splits"]!.GetValue<int>());
        Assert.Empty(plan["allocations"]!.AsArray());
        Assert.True(plan.ContainsKey("averageDistanceKm"));
        Assert.Null(plan["averageDistanceKm"]);
        Assert.Contains("maxSplits 0", plan["explanation"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_line_is_named_in_the_answer()
    {
        var body = IssueScenario();
        body["lines"]![2]!["quantity"] = 7;
        var plan = await (await _admin.PostJson(Path, body)).Expect(HttpStatusCode.OK);

        Assert.False(plan["feasible"]!.GetValue<bool>());
        var shortLine = plan["shortLines"]!.AsArray().Single()!;
        Assert.Equal((2, "C", 7, 6L), (shortLine["line"]!.GetValue<int>(), shortLine["sku"].Str(), shortLine["quantity"]!.GetValue<int>(), shortLine["available"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Excluded_locations_and_shipment_costs_are_honoured()
    {
        var body = IssueScenario();
        body["lines"]![0]!["excludedLocations"] = new JsonArray("STORE-BOS");
        var plan = await (await _admin.PostJson(Path, body)).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(plan["allocations"]!.AsArray(), a => a!["sku"].Str() == "A" && a["location"].Str() == "STORE-BOS");

        var byCost = IssueScenario();
        foreach (var (location, cost) in byCost["locations"]!.AsArray().Zip(new[] { 1m, 1m, 50m, 40m })) location!["shipmentCost"] = cost;
        var cheapest = await (await _admin.PostJson(Path, byCost)).Expect(HttpStatusCode.OK);
        Assert.Equal(["WH-NJ", "WH-TX"], cheapest["locations"]!.AsArray().Select(l => l.Str()).Order());
        Assert.Equal(2m, cheapest["shipmentCost"].Dec());
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"lines":[],"locations":[],"destination":{"latitude":0,"longitude":0}}""", "lines" },
        { """{"lines":[{"sku":"A","quantity":0}],"locations":[],"destination":{"latitude":0,"longitude":0}}""", "lines[0].quantity" },
        { """{"lines":[{"sku":"A","quantity":-2}],"locations":[],"destination":{"latitude":0,"longitude":0}}""", "lines[0].quantity" },
        { """{"lines":[{"quantity":1}],"locations":[],"destination":{"latitude":0,"longitude":0}}""", "lines[0].sku" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[{"code":"W","latitude":1,"longitude":1,"stock":{}},{"code":"W","latitude":1,"longitude":1,"stock":{}}],"destination":{"latitude":0,"longitude":0}}""", "locations[1].code" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[{"code":"W","latitude":91,"longitude":1,"stock":{}}],"destination":{"latitude":0,"longitude":0}}""", "locations[0].latitude" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[{"code":"W","longitude":1,"stock":{}}],"destination":{"latitude":0,"longitude":0}}""", "locations[0].latitude" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[{"code":"W","latitude":1,"longitude":1,"stock":{"A":-1}}],"destination":{"latitude":0,"longitude":0}}""", "locations[0].stock.A" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[],"destination":{"latitude":0,"longitude":0},"maxSplits":-1}""", "maxSplits" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[],"destination":{"latitude":0,"longitude":0},"maxSplits":21}""", "maxSplits" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[]}""", "destination.latitude" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[{"code":"W","latitude":1,"longitude":1,"priority":-1,"stock":{}}],"destination":{"latitude":0,"longitude":0}}""", "locations[0].priority" },
        { """{"lines":[{"sku":"A","quantity":1}],"locations":[{"code":"A","latitude":1,"longitude":1,"stock":{},"shipmentCost":2},{"code":"B","latitude":1,"longitude":1,"stock":{}}],"destination":{"latitude":0,"longitude":0}}""", "locations[1].shipmentCost" },
        { """{"lines":[{"sku":"A","quantity":"two"}],"locations":[],"destination":{"latitude":0,"longitude":0}}""", "lines[0].quantity" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_validation_problem_naming_the_field(string body, string field)
    {
        await (await _admin.PostRaw(Path, body)).ExpectFieldError(field);
    }

    [Fact]
    public async Task Too_many_lines_or_locations_are_refused_by_name()
    {
        var body = IssueScenario();
        body["lines"] = new JsonArray(Enumerable.Range(0, 501).Select(i => (JsonNode)Line($"S{i}", 1)).ToArray());
        await (await _admin.PostJson(Path, body)).ExpectFieldError("lines");

        body = IssueScenario();
        body["locations"] = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)Location($"L{i}", 1, 1, 0)).ToArray());
        await (await _admin.PostJson(Path, body)).ExpectFieldError("locations");
    }

    [Fact]
    public async Task Anyone_who_may_read_availability_may_plan_and_fulfillment_may_not()
    {
        foreach (var role in new[] { "viewer", "storefront", "agent", "finance" })
            await (await (await server.ClientWithRole(role)).PostJson(Path, IssueScenario())).Expect(HttpStatusCode.OK);
        await (await (await server.ClientWithRole("fulfillment", "WH-TX")).PostJson(Path, IssueScenario())).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await server.Client(key: null).PostJson(Path, IssueScenario())).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_same_answer_and_refuses_another_body()
    {
        var key = "plan-" + Guid.NewGuid().ToString("N");
        var first = await (await _admin.PostJson(Path, IssueScenario(), key)).Expect(HttpStatusCode.OK);
        var again = await (await _admin.PostJson(Path, IssueScenario(), key)).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(first, again));
        await (await _admin.PostJson(Path, IssueScenario(maxSplits: 1), key)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Planning_writes_no_event()
    {
        var before = (await _admin.AllEvents()).Count;
        await (await _admin.PostJson(Path, IssueScenario())).Expect(HttpStatusCode.OK);
        Assert.Equal(before, (await _admin.AllEvents()).Count);
    }
}

public sealed class PlanRouteOnSqlite(SqliteServer server) : PlanRouteTests(server), IClassFixture<SqliteServer>;

public sealed class PlanRouteOnPostgres(PostgresServer server) : PlanRouteTests(server), IClassFixture<PostgresServer>;
