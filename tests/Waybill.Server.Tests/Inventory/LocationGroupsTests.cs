using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

public abstract class LocationGroupsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Group(string name, params string?[] locations) => new()
    {
        ["name"] = name,
        ["locations"] = new JsonArray([.. locations.Select(l => l is null ? null : (JsonNode)l)]),
    };

    private static List<string> Codes(JsonNode? group) => [.. group!["locations"]!.AsArray().Select(l => l.Str())];

    private async Task<JsonObject> All() => await (await _admin.GetAsync("/api/v1/location-groups/all")).Expect(HttpStatusCode.OK);

    [Fact]
    public async Task Put_creates_with_201_and_replaces_the_membership_with_200_and_the_next_version()
    {
        var wh1 = await _admin.PutLocation();
        var store7 = await _admin.PutLocation(type: "store");
        var store8 = await _admin.PutLocation(type: "store");
        var code = MasterData.NewCode("WEB");

        var created = await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Web", store7, wh1))).Expect(HttpStatusCode.Created);
        Assert.Equal(code, created["code"].Str());
        Assert.Equal("Web", created["name"].Str());
        // Membership is a set: it reads in code order.
        Assert.Equal(new[] { wh1, store7 }.Order(StringComparer.Ordinal), Codes(created));
        Assert.Equal(1, created["version"]!.GetValue<int>());
        Assert.False(created["builtIn"]!.GetValue<bool>());
        foreach (var field in new[] { "code", "name", "locations", "version", "createdAt", "updatedAt" })
            Assert.True(created.ContainsKey(field), $"'{field}' is missing");

        var replaced = await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Web and stores", store8, store7))).Expect(HttpStatusCode.OK);
        Assert.Equal("Web and stores", replaced["name"].Str());
        Assert.Equal(new[] { store7, store8 }.Order(StringComparer.Ordinal), Codes(replaced));
        Assert.Equal(2, replaced["version"]!.GetValue<int>());
        Assert.Equal(created["createdAt"].Str(), replaced["createdAt"].Str());

        var read = await _admin.GetAsync($"/api/v1/location-groups/{code}");
        Assert.True(JsonNode.DeepEquals(replaced, await read.Expect(HttpStatusCode.OK)));
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);

        var emptied = await (await _admin.PutJson($"/api/v1/location-groups/{code}", new JsonObject { ["name"] = "Nothing yet" })).Expect(HttpStatusCode.OK);
        Assert.Empty(Codes(emptied));
    }

    [Fact]
    public async Task The_built_in_group_all_holds_every_active_location_as_the_flags_change()
    {
        var first = await _admin.PutLocation();
        var second = await _admin.PutLocation(active: false);

        var all = await All();
        Assert.Equal("all", all["code"].Str());
        Assert.True(all["builtIn"]!.GetValue<bool>());
        Assert.Null(all["version"]);
        Assert.Contains(first, Codes(all));
        Assert.DoesNotContain(second, Codes(all));
        Assert.Equal(Codes(all).Order(StringComparer.Ordinal), Codes(all));

        var active = await _admin.ReadAll("/api/v1/locations?active=true", limit: 500);
        Assert.Equal(active.Select(l => l["code"].Str()).Order(StringComparer.Ordinal), Codes(all));

        await _admin.PutLocation(first, active: false);
        await _admin.PutLocation(second, active: true);
        all = await All();
        Assert.DoesNotContain(first, Codes(all));
        Assert.Contains(second, Codes(all));
    }

    [Fact]
    public async Task An_inactive_location_stays_a_member_of_the_groups_that_name_it()
    {
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        await _admin.PutLocation(location, active: false);
        var read = await (await _admin.GetAsync($"/api/v1/location-groups/{group}")).Expect(HttpStatusCode.OK);
        Assert.Equal([location], Codes(read));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("ALL")]
    [InlineData("All")]
    public async Task Put_to_the_built_in_group_is_refused_with_422(string code)
    {
        var location = await _admin.PutLocation();
        var problem = await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Mine", location)))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "location_group_built_in");
        Assert.Contains("built in", problem["detail"].Str());
        // Refused whatever the body, before it is checked.
        await (await _admin.PutJson($"/api/v1/location-groups/{code}", new JsonObject()))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "location_group_built_in");
        Assert.True((await All())["builtIn"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_unknown_location_is_named_by_its_index_and_nothing_is_written()
    {
        var known = await _admin.PutLocation();
        var code = MasterData.NewCode("GRP");
        var problem = await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Web", known, "NO-SUCH-LOCATION")))
            .ExpectFieldError("locations[1]");
        Assert.False(problem["errors"]!.AsObject().ContainsKey("locations[0]"));
        await (await _admin.GetAsync($"/api/v1/location-groups/{code}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("duplicate", "locations[2]")]
    [InlineData("null entry", "locations[0]")]
    [InlineData("blank entry", "locations[1]")]
    [InlineData("missing name", "name")]
    [InlineData("name too long", "name")]
    [InlineData("locations not a list", "locations")]
    public async Task Bad_groups_name_the_field_and_change_nothing(string kind, string field)
    {
        var a = await _admin.PutLocation();
        var b = await _admin.PutLocation();
        var body = kind switch
        {
            "duplicate" => Group("Web", a, b, a),
            "null entry" => Group("Web", null, a),
            "blank entry" => Group("Web", a, " "),
            "missing name" => new JsonObject { ["locations"] = new JsonArray(a) },
            "name too long" => Group(new string('n', 201), a),
            "locations not a list" => new JsonObject { ["name"] = "Web", ["locations"] = a },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var fresh = MasterData.NewCode("GRP");
        await (await _admin.PutJson($"/api/v1/location-groups/{fresh}", body)).ExpectFieldError(field);
        await (await _admin.GetAsync($"/api/v1/location-groups/{fresh}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var existing = await _admin.PutGroup(a);
        await (await _admin.PutJson($"/api/v1/location-groups/{existing}", body)).ExpectFieldError(field);
        var group = await (await _admin.GetAsync($"/api/v1/location-groups/{existing}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, group["version"]!.GetValue<int>());
        Assert.Equal([a], Codes(group));
    }

    [Fact]
    public async Task Bad_codes_and_unknown_groups()
    {
        await (await _admin.PutJson("/api/v1/location-groups/bad%20code", Group("Web"))).ExpectFieldError("code");
        await (await _admin.GetAsync("/api/v1/location-groups/bad%20code")).ExpectFieldError("code");
        await (await _admin.GetAsync($"/api/v1/location-groups/{MasterData.NewCode("NOPE")}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_list_starts_with_all_and_pages_through_every_group_once()
    {
        var location = await _admin.PutLocation();
        var codes = new List<string>();
        for (var i = 0; i < 3; i++) codes.Add(await _admin.PutGroup(location));

        foreach (var limit in new[] { 1, 2, 500 })
        {
            var groups = await _admin.ReadAll("/api/v1/location-groups", limit);
            var listed = groups.Select(g => g["code"].Str()).ToList();
            Assert.Equal("all", listed[0]);
            Assert.Equal(1, listed.Count(c => c == "all"));
            Assert.Equal(listed.Count, listed.Distinct().Count());
            Assert.All(codes, c => Assert.Contains(c, listed));
        }
        await (await _admin.GetAsync("/api/v1/location-groups?cursor=bm9wZQ")).ExpectFieldError("cursor");
    }

    [Fact]
    public async Task A_stale_if_match_is_a_409_version_conflict()
    {
        var location = await _admin.PutLocation();
        var code = await _admin.PutGroup(location);
        await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Renamed", location), ifMatch: "\"1\"")).Expect(HttpStatusCode.OK);
        await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Stale"), ifMatch: "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var group = await (await _admin.GetAsync($"/api/v1/location-groups/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Renamed", group["name"].Str());
        Assert.Equal([location], Codes(group));
    }

    [Fact]
    public async Task Only_admins_put_and_reading_roles_read()
    {
        var location = await _admin.PutLocation();
        var code = await _admin.PutGroup(location);
        var anonymous = server.Client(key: null);
        await (await anonymous.GetAsync("/api/v1/location-groups")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PutJson($"/api/v1/location-groups/{code}", Group("x"))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PutJson($"/api/v1/location-groups/{code}", Group("x"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await viewer.GetAsync($"/api/v1/location-groups/{code}")).Expect(HttpStatusCode.OK);
        await (await viewer.GetAsync("/api/v1/location-groups/all")).Expect(HttpStatusCode.OK);
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.PutJson($"/api/v1/location-groups/{code}", Group("x"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await storefront.GetAsync("/api/v1/location-groups")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var group = await (await _admin.GetAsync($"/api/v1/location-groups/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, group["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_put_writes_an_event_with_the_group_and_an_audit_entry()
    {
        var location = await _admin.PutLocation();
        var code = await _admin.PutGroup(location);
        await (await _admin.PutJson($"/api/v1/location-groups/{code}", Group("Renamed", location))).Expect(HttpStatusCode.OK);

        var events = await _admin.AllEvents($"&subject={code}&types=location_group.upserted", atLeast: 2);
        Assert.Equal(2, events.Count);
        Assert.Equal("Renamed", events[1]["data"]!["name"].Str());
        Assert.Equal([location], Codes(events[1]["data"]));
        Assert.Equal(["create", "replace"], await server.AuditActions("location_group", code));
    }
}

public sealed class LocationGroupsOnSqlite(SqliteServer server) : LocationGroupsTests(server), IClassFixture<SqliteServer>;

public sealed class LocationGroupsOnPostgres(PostgresServer server) : LocationGroupsTests(server), IClassFixture<PostgresServer>;
