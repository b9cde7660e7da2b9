using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;

namespace Waybill.Server.Tests.Channels;

public abstract class ChannelsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Channel(string name, string? locationGroup) => new() { ["name"] = name, ["locationGroup"] = locationGroup };

    private async Task<string> NewGroup() => await _admin.PutGroup(await _admin.PutLocation());

    [Fact]
    public async Task Put_creates_with_201_and_replaces_with_200_and_the_next_version()
    {
        var group = await NewGroup();
        var code = MasterData.NewCode("web");
        var created = await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web store", group))).Expect(HttpStatusCode.Created);
        Assert.Equal(code, created["code"].Str());
        Assert.Equal("Web store", created["name"].Str());
        Assert.Equal(group, created["locationGroup"].Str());
        Assert.Equal(1, created["version"]!.GetValue<int>());
        foreach (var field in new[] { "code", "name", "locationGroup", "version", "createdAt", "updatedAt" })
            Assert.True(created.ContainsKey(field), $"'{field}' is missing");

        var replaced = await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", "all"))).Expect(HttpStatusCode.OK);
        Assert.Equal("all", replaced["locationGroup"].Str());
        Assert.Equal(2, replaced["version"]!.GetValue<int>());
        Assert.Equal(created["createdAt"].Str(), replaced["createdAt"].Str());

        var read = await _admin.GetAsync($"/api/v1/channels/{code}");
        Assert.True(JsonNode.DeepEquals(replaced, await read.Expect(HttpStatusCode.OK)));
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_channel_without_a_group_is_kept_with_none_and_sells_from_all()
    {
        var code = MasterData.NewCode("phone");
        var created = await (await _admin.PutJson($"/api/v1/channels/{code}", new JsonObject { ["name"] = "Call center" })).Expect(HttpStatusCode.Created);
        Assert.True(created.ContainsKey("locationGroup"));
        Assert.Null(created["locationGroup"]);
    }

    [Theory]
    [InlineData("NO-SUCH-GROUP")]
    [InlineData("ALL")]
    [InlineData("")]
    public async Task An_unknown_group_names_location_group_and_writes_nothing(string group)
    {
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", group))).ExpectFieldError("locationGroup");
        await (await _admin.GetAsync($"/api/v1/channels/{code}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var existing = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{existing}", Channel("Web", "all"))).Expect(HttpStatusCode.Created);
        await (await _admin.PutJson($"/api/v1/channels/{existing}", Channel("Web", group))).ExpectFieldError("locationGroup");
        var channel = await (await _admin.GetAsync($"/api/v1/channels/{existing}")).Expect(HttpStatusCode.OK);
        Assert.Equal("all", channel["locationGroup"].Str());
        Assert.Equal(1, channel["version"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("missing name", "name")]
    [InlineData("name too long", "name")]
    [InlineData("group not a string", "locationGroup")]
    public async Task Bad_channels_name_the_field_and_write_nothing(string kind, string field)
    {
        var body = kind switch
        {
            "missing name" => new JsonObject { ["locationGroup"] = "all" },
            "name too long" => Channel(new string('n', 201), "all"),
            "group not a string" => new JsonObject { ["name"] = "Web", ["locationGroup"] = 7 },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", body)).ExpectFieldError(field);
        await (await _admin.GetAsync($"/api/v1/channels/{code}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Bad_codes_are_400_and_unknown_channels_404()
    {
        await (await _admin.PutJson("/api/v1/channels/web%20shop", Channel("Web", "all"))).ExpectFieldError("code");
        await (await _admin.PutJson($"/api/v1/channels/{new string('w', 65)}", Channel("Web", "all"))).ExpectFieldError("code");
        await (await _admin.GetAsync("/api/v1/channels/web%20shop")).ExpectFieldError("code");
        await (await _admin.GetAsync($"/api/v1/channels/{MasterData.NewCode("nope")}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_list_pages_through_every_channel_once_in_code_order()
    {
        var prefix = MasterData.NewCode("ch");
        string[] codes = [$"{prefix}-1", $"{prefix}-2", $"{prefix}-3"];
        foreach (var code in codes)
            await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Channel " + code, "all"))).Expect(HttpStatusCode.Created);

        var listed = (await _admin.ReadAll("/api/v1/channels", limit: 1)).Select(c => c["code"].Str()).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(codes, listed.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));
        await (await _admin.GetAsync("/api/v1/channels?limit=501")).ExpectFieldError("limit");
    }

    [Fact]
    public async Task A_stale_if_match_is_a_409_version_conflict()
    {
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", "all"), ifMatch: "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", "all"))).Expect(HttpStatusCode.Created);
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web 2", "all"), ifMatch: "\"1\"")).Expect(HttpStatusCode.OK);
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Stale", "all"), ifMatch: "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var channel = await (await _admin.GetAsync($"/api/v1/channels/{code}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Web 2", channel["name"].Str());
    }

    [Fact]
    public async Task Only_admins_put_and_reading_roles_read()
    {
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", "all"))).Expect(HttpStatusCode.Created);
        var anonymous = server.Client(key: null);
        await (await anonymous.GetAsync($"/api/v1/channels/{code}")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PutJson($"/api/v1/channels/{code}", Channel("x", "all"))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        foreach (var role in new[] { "viewer", "storefront", "agent" })
        {
            var client = await server.ClientWithRole(role);
            await (await client.PutJson($"/api/v1/channels/{code}", Channel("x", "all"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.GetAsync($"/api/v1/channels/{code}")).Expect(HttpStatusCode.OK);
        await (await viewer.GetAsync("/api/v1/channels")).Expect(HttpStatusCode.OK);
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.GetAsync("/api/v1/channels")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(1, (await (await _admin.GetAsync($"/api/v1/channels/{code}")).Expect(HttpStatusCode.OK))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_put_writes_an_event_with_the_channel_and_an_audit_entry()
    {
        var group = await NewGroup();
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", "all"))).Expect(HttpStatusCode.Created);
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", group))).Expect(HttpStatusCode.OK);

        var events = await _admin.AllEvents($"&subject={code}&types=channel.upserted", atLeast: 2);
        Assert.Equal(2, events.Count);
        Assert.Equal(group, events[1]["data"]!["locationGroup"].Str());
        Assert.Equal(2, events[1]["data"]!["version"]!.GetValue<int>());
        Assert.Equal(["create", "replace"], await server.AuditActions("channel", code));
    }

    [Fact]
    public async Task Orders_name_the_channel_by_its_code_registered_or_not()
    {
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", Channel("Web", "all"))).Expect(HttpStatusCode.Created);
        var registered = Api.WebOrder();
        registered["channel"] = code;
        await (await _admin.PostJson("/api/v1/orders", registered)).Expect(HttpStatusCode.Created);
        var unregistered = Api.WebOrder();
        unregistered["channel"] = MasterData.NewCode("marketplace");
        await (await _admin.PostJson("/api/v1/orders", unregistered)).Expect(HttpStatusCode.Created);
        var listed = await (await _admin.GetAsync($"/api/v1/orders?channel={code}")).Expect(HttpStatusCode.OK);
        Assert.Single(listed["items"]!.AsArray());
    }
}

public sealed class ChannelsOnSqlite(SqliteServer server) : ChannelsTests(server), IClassFixture<SqliteServer>;

public sealed class ChannelsOnPostgres(PostgresServer server) : ChannelsTests(server), IClassFixture<PostgresServer>;
