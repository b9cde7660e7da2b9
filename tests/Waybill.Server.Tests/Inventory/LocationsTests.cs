using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

public abstract class LocationsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static readonly string[] DocumentedFields =
        ["code", "name", "type", "address", "latitude", "longitude", "priority", "active", "version", "createdAt", "updatedAt"];

    [Fact]
    public async Task Put_creates_with_201_and_replaces_with_200_and_the_next_version()
    {
        var code = MasterData.NewCode("WH");
        var created = await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location("Springfield DC", "drop_ship", priority: 5)))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(code, created["code"].Str());
        Assert.Equal("Springfield DC", created["name"].Str());
        Assert.Equal("drop_ship", created["type"].Str());
        Assert.Equal("Springfield", created["address"]!["city"].Str());
        Assert.Equal(39.78, created["latitude"]!.GetValue<double>());
        Assert.Equal(-89.65, created["longitude"]!.GetValue<double>());
        Assert.Equal(5, created["priority"]!.GetValue<int>());
        Assert.True(created["active"]!.GetValue<bool>());
        Assert.Equal(1, created["version"]!.GetValue<int>());
        Assert.EndsWith("Z", created["createdAt"].Str());

        var replaced = await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location("Springfield North", "warehouse", active: false)))
            .Expect(HttpStatusCode.OK);
        Assert.Equal("Springfield North", replaced["name"].Str());
        Assert.Equal("warehouse", replaced["type"].Str());
        Assert.False(replaced["active"]!.GetValue<bool>());
        Assert.Equal(0, replaced["priority"]!.GetValue<int>());
        Assert.Equal(2, replaced["version"]!.GetValue<int>());
        Assert.Equal(created["createdAt"].Str(), replaced["createdAt"].Str());

        var read = await _admin.GetAsync($"/api/v1/locations/{code}");
        Assert.True(JsonNode.DeepEquals(replaced, await read.Expect(HttpStatusCode.OK)));
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Omitted_fields_take_their_defaults_and_every_field_is_answered()
    {
        var code = MasterData.NewCode("ST");
        var body = new JsonObject { ["name"] = "Store 7", ["type"] = "store" };
        var created = await (await _admin.PutJson($"/api/v1/locations/{code}", body)).Expect(HttpStatusCode.Created);
        foreach (var field in DocumentedFields) Assert.True(created.ContainsKey(field), $"'{field}' is missing");
        Assert.Null(created["address"]);
        Assert.Null(created["latitude"]);
        Assert.Null(created["longitude"]);
        Assert.Equal(0, created["priority"]!.GetValue<int>());
        Assert.True(created["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Unknown_locations_are_404_not_found()
    {
        await (await _admin.GetAsync($"/api/v1/locations/{MasterData.NewCode("NOPE")}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_list_pages_in_code_order_and_filters_by_active_and_type()
    {
        var prefix = MasterData.NewCode("LST");
        string[] codes = [$"{prefix}-1", $"{prefix}-2", $"{prefix}-3", $"{prefix}-4", $"{prefix}-5"];
        await _admin.PutLocation(codes[0], type: "warehouse");
        await _admin.PutLocation(codes[1], type: "store");
        await _admin.PutLocation(codes[2], type: "store", active: false);
        await _admin.PutLocation(codes[3], type: "virtual");
        await _admin.PutLocation(codes[4], type: "store");

        var all = await _admin.ReadAll("/api/v1/locations");
        var listed = all.Select(l => l["code"].Str()).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(codes, listed.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));

        var stores = await _admin.ReadAll("/api/v1/locations?type=store");
        Assert.All(stores, l => Assert.Equal("store", l["type"].Str()));
        Assert.Equal([codes[1], codes[2], codes[4]], stores.Select(l => l["code"].Str()).Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));

        var activeStores = await _admin.ReadAll("/api/v1/locations?type=store&active=true");
        Assert.All(activeStores, l => Assert.True(l["active"]!.GetValue<bool>()));
        Assert.Equal([codes[1], codes[4]], activeStores.Select(l => l["code"].Str()).Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));

        var inactive = await _admin.ReadAll("/api/v1/locations?active=false");
        Assert.All(inactive, l => Assert.False(l["active"]!.GetValue<bool>()));
        Assert.Contains(codes[2], inactive.Select(l => l["code"].Str()));
    }

    [Theory]
    [InlineData("/api/v1/locations?type=depot", "type")]
    [InlineData("/api/v1/locations?active=maybe", "active")]
    [InlineData("/api/v1/locations?limit=0", "limit")]
    [InlineData("/api/v1/locations?cursor=%25%25", "cursor")]
    [InlineData("/api/v1/locations/bad%20code", "code")]
    public async Task Bad_reads_name_the_parameter(string url, string field)
    {
        await (await _admin.GetAsync(url)).ExpectFieldError(field);
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "missing name", "name" },
        { "blank name", "name" },
        { "name too long", "name" },
        { "missing type", "type" },
        { "unknown type", "type" },
        { "type as a number", "type" },
        { "latitude out of range", "latitude" },
        { "longitude out of range", "longitude" },
        { "latitude without longitude", "longitude" },
        { "longitude without latitude", "latitude" },
        { "negative priority", "priority" },
        { "priority too large", "priority" },
        { "fractional priority", "priority" },
        { "address without a city", "address.city" },
        { "address with a three-letter country", "address.country" },
        { "active as text", "active" },
    };

    private static JsonObject Broken(string kind)
    {
        var body = MasterData.Location();
        switch (kind)
        {
            case "missing name": body.Remove("name"); break;
            case "blank name": body["name"] = "   "; break;
            case "name too long": body["name"] = new string('n', 201); break;
            case "missing type": body.Remove("type"); break;
            case "unknown type": body["type"] = "depot"; break;
            case "type as a number": body["type"] = 1; break;
            case "latitude out of range": body["latitude"] = 90.5; break;
            case "longitude out of range": body["longitude"] = -180.5; break;
            case "latitude without longitude": body.Remove("longitude"); break;
            case "longitude without latitude": body["latitude"] = null; break;
            case "negative priority": body["priority"] = -1; break;
            case "priority too large": body["priority"] = 1_000_001; break;
            case "fractional priority": body["priority"] = 1.5; break;
            case "address without a city": body["address"]!.AsObject().Remove("city"); break;
            case "address with a three-letter country": body["address"]!["country"] = "USA"; break;
            case "active as text": body["active"] = "yes"; break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return body;
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_new_location_names_the_field_and_writes_nothing(string kind, string field)
    {
        var code = MasterData.NewCode("BAD");
        await (await _admin.PutJson($"/api/v1/locations/{code}", Broken(kind))).ExpectFieldError(field);
        await (await _admin.GetAsync($"/api/v1/locations/{code}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_replace_names_the_field_and_changes_nothing(string kind, string field)
    {
        var code = await _admin.PutLocation();
        await (await _admin.PutJson($"/api/v1/locations/{code}", Broken(kind))).ExpectFieldError(field);
        var location = await (await _admin.GetAsync($"/api/v1/locations/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, location["version"]!.GetValue<int>());
        Assert.Equal("Springfield DC", location["name"].Str());
    }

    [Theory]
    [InlineData("bad code")]
    [InlineData("WH/1")]
    [InlineData("wh*1")]
    [InlineData("Ω1")]
    public async Task A_code_outside_the_allowed_characters_is_400_naming_code(string code)
    {
        var path = $"/api/v1/locations/{Uri.EscapeDataString(code)}";
        await (await _admin.PutJson(path, MasterData.Location())).ExpectFieldError("code");
        await (await _admin.GetAsync(path)).ExpectFieldError("code");
    }

    [Fact]
    public async Task A_code_of_65_characters_is_too_long_and_64_is_fine()
    {
        await (await _admin.PutJson($"/api/v1/locations/{new string('A', 65)}", MasterData.Location())).ExpectFieldError("code");
        var longest = "L." + Guid.NewGuid().ToString("N") + new string('_', 30);
        Assert.Equal(64, longest.Length);
        await (await _admin.PutJson($"/api/v1/locations/{longest}", MasterData.Location())).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_put_with_an_empty_body_is_a_validation_error()
    {
        var code = MasterData.NewCode("WH");
        using var content = new StringContent("", System.Text.Encoding.UTF8, "application/json");
        await (await _admin.PutAsync($"/api/v1/locations/{code}", content)).ExpectFieldError("body");
        using var truncated = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json");
        await (await _admin.PutAsync($"/api/v1/locations/{code}", truncated)).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
        await (await _admin.GetAsync($"/api/v1/locations/{code}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_stale_if_match_is_a_409_version_conflict_and_changes_nothing()
    {
        var code = await _admin.PutLocation();
        await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location("Second"), ifMatch: "\"1\"")).Expect(HttpStatusCode.OK);
        await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location("Stale"), ifMatch: "\"1\""))
            .ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var location = await (await _admin.GetAsync($"/api/v1/locations/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Second", location["name"].Str());
        Assert.Equal(2, location["version"]!.GetValue<int>());
        await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location("Third"), ifMatch: "W/\"2\"")).Expect(HttpStatusCode.OK);
        await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location(), ifMatch: "three")).ExpectFieldError("If-Match");
    }

    [Fact]
    public async Task If_match_on_a_location_that_does_not_exist_is_a_conflict_and_creates_nothing()
    {
        var code = MasterData.NewCode("WH");
        await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location(), ifMatch: "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        await (await _admin.GetAsync($"/api/v1/locations/{code}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Without_a_key_it_is_401_and_only_admins_may_put()
    {
        var code = await _admin.PutLocation();
        var anonymous = server.Client(key: null);
        await (await anonymous.GetAsync("/api/v1/locations")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.GetAsync($"/api/v1/locations/{code}")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PutJson($"/api/v1/locations/{code}", MasterData.Location())).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        foreach (var role in new[] { "viewer", "storefront", "agent", "finance" })
        {
            var client = await server.ClientWithRole(role);
            await (await client.PutJson($"/api/v1/locations/{code}", MasterData.Location("Taken over"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }
        var fulfillment = await server.ClientWithRole("fulfillment", code);
        await (await fulfillment.PutJson($"/api/v1/locations/{code}", MasterData.Location("Taken over"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var location = await (await _admin.GetAsync($"/api/v1/locations/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, location["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reading_roles_read_and_the_storefront_does_not()
    {
        var code = await _admin.PutLocation();
        foreach (var role in new[] { "viewer", "agent", "finance" })
        {
            var client = await server.ClientWithRole(role);
            await (await client.GetAsync($"/api/v1/locations/{code}")).Expect(HttpStatusCode.OK);
            await (await client.GetAsync("/api/v1/locations")).Expect(HttpStatusCode.OK);
        }
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.GetAsync($"/api/v1/locations/{code}")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await storefront.GetAsync("/api/v1/locations")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Every_put_writes_an_event_with_the_location_and_an_audit_entry()
    {
        var code = await _admin.PutLocation();
        await (await _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location("Renamed"))).Expect(HttpStatusCode.OK);

        var events = await _admin.AllEvents($"&subject={code}&types=location.upserted", atLeast: 2);
        Assert.Equal(2, events.Count);
        Assert.Equal([1, 2], events.Select(e => e["data"]!["version"]!.GetValue<int>()));
        Assert.Equal("Renamed", events[1]["data"]!["name"].Str());
        Assert.Equal(code, events[1]["data"]!["code"].Str());

        Assert.Equal(["create", "replace"], await server.AuditActions("location", code));
    }

    [Fact]
    public async Task A_failed_put_writes_no_event()
    {
        var code = MasterData.NewCode("WH");
        await (await _admin.PutJson($"/api/v1/locations/{code}", new JsonObject { ["name"] = "x" })).ExpectFieldError("type");
        // A later write to the same subject marks the point by which the failed one would have shown in the feed.
        await _admin.PutLocation(code);
        var events = await _admin.AllEvents($"&subject={code}", atLeast: 1);
        // The one event is the successful PUT's; the failed one, had it written any, came first and would show too.
        Assert.Equal("Springfield DC", Assert.Single(events)["data"]!["name"].Str());
        Assert.Equal(["create"], await server.AuditActions("location", code));
    }

    [Fact]
    public async Task Concurrent_first_puts_of_one_code_create_it_once()
    {
        var code = MasterData.NewCode("RACE");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _admin.PutJson($"/api/v1/locations/{code}", MasterData.Location($"Racer {i}"))));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        // The rest replaced it, or lost a version race to another replace.
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var location = await (await _admin.GetAsync($"/api/v1/locations/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal(statuses.Count(s => s != HttpStatusCode.Conflict), location["version"]!.GetValue<int>());
    }
}

public sealed class LocationsOnSqlite(SqliteServer server) : LocationsTests(server), IClassFixture<SqliteServer>;

public sealed class LocationsOnPostgres(PostgresServer server) : LocationsTests(server), IClassFixture<PostgresServer>;
