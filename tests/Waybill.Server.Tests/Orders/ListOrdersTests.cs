using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Orders;

public abstract class ListOrdersTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<JsonObject> Capture(Action<JsonObject>? change = null)
    {
        var body = Api.WebOrder();
        change?.Invoke(body);
        return await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
    }

    private async Task<List<string>> Ids(string query)
    {
        var page = await (await _admin.GetAsync("/api/v1/orders?" + query)).Expect(HttpStatusCode.OK);
        return page["items"]!.AsArray().Select(o => o!["id"].Str()).ToList();
    }

    [Fact]
    public async Task Filters_narrow_the_list_and_it_is_newest_first()
    {
        var sku = "SKU-" + Guid.NewGuid().ToString("N")[..8];
        var channel = "chan-" + Guid.NewGuid().ToString("N")[..8];
        var email = $"list.{Guid.NewGuid():N}@example.com";
        var a = await Capture(o => { o["channel"] = channel; o["deliveryGroups"]![0]!["lines"]![0]!["sku"] = sku; });
        var b = await Capture(o => { o["channel"] = channel; o["customer"] = new JsonObject { ["email"] = email }; });
        var c = await Capture(o => o["customer"] = new JsonObject { ["email"] = email.ToUpperInvariant() });
        await (await _admin.PostJson($"/api/v1/orders/{b["id"].Str()}/approve", null)).Expect(HttpStatusCode.OK);

        Assert.Equal([b["id"].Str(), a["id"].Str()], await Ids($"channel={channel}"));
        Assert.Equal([a["id"].Str()], await Ids($"sku={sku}"));
        Assert.Equal([c["id"].Str(), b["id"].Str()], await Ids($"email={Uri.EscapeDataString(email)}"));
        Assert.Equal([b["id"].Str()], await Ids($"channel={channel}&status=approved"));
        Assert.Equal([c["id"].Str()], await Ids($"q={c["orderNumber"].Str()}"));
        Assert.Equal([a["id"].Str()], await Ids($"q={a["externalReference"].Str()}"));
        Assert.Empty(await Ids($"channel={channel}&from=2030-01-01T00:00:00Z"));
        Assert.Equal(2, (await Ids($"channel={channel}&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z")).Count);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        var channel = "page-" + Guid.NewGuid().ToString("N")[..8];
        var captured = new List<string>();
        for (var i = 0; i < 7; i++) captured.Add((await Capture(o => o["channel"] = channel))["id"].Str());

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await _admin.GetAsync($"/api/v1/orders?channel={channel}&limit=3" + (cursor is null ? "" : "&cursor=" + cursor))).Expect(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(o => o!["id"].Str()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(captured), seen);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("status=sideways", "status")]
    [InlineData("cursor=%%%", "cursor")]
    public async Task Bad_list_parameters_are_named(string query, string field)
    {
        await (await _admin.GetAsync("/api/v1/orders?" + query)).ExpectFieldError(field);
    }

    [Fact]
    public async Task A_storefront_reads_the_orders_it_captured_and_no_others()
    {
        var shop = await server.ClientWithRole("storefront");
        var otherShop = await server.ClientWithRole("storefront");
        var mine = await (await shop.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created);
        var theirs = await (await otherShop.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created);
        var admins = await Capture();

        await (await shop.GetAsync($"/api/v1/orders/{mine["id"].Str()}")).Expect(HttpStatusCode.OK);
        await (await shop.GetAsync($"/api/v1/orders/{mine["id"].Str()}/history")).Expect(HttpStatusCode.OK);
        await (await shop.GetAsync($"/api/v1/orders/{theirs["id"].Str()}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await shop.GetAsync($"/api/v1/orders/{admins["id"].Str()}/history")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var listed = await (await shop.GetAsync("/api/v1/orders?limit=500")).Expect(HttpStatusCode.OK);
        Assert.Equal([mine["id"].Str()], listed["items"]!.AsArray().Select(o => o!["id"].Str()));

        // Everyone else who may read orders sees all of them.
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/v1/orders/{theirs["id"].Str()}")).StatusCode);
    }

    [Fact]
    public async Task A_viewer_may_read_but_not_act()
    {
        var order = await Capture();
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.GetAsync($"/api/v1/orders/{order["id"].Str()}")).Expect(HttpStatusCode.OK);
        await (await viewer.GetAsync("/api/v1/orders")).Expect(HttpStatusCode.OK);
        await (await viewer.PostJson($"/api/v1/orders/{order["id"].Str()}/approve", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var fulfillment = await server.ClientWithRole("fulfillment", "WH1");
        await (await fulfillment.GetAsync("/api/v1/orders")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}

public sealed class ListOrdersOnSqlite(SqliteServer server) : ListOrdersTests(server), IClassFixture<SqliteServer>;

public sealed class ListOrdersOnPostgres(PostgresServer server) : ListOrdersTests(server), IClassFixture<PostgresServer>;
