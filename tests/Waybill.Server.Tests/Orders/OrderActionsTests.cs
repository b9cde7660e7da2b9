using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Orders;

public abstract class OrderActionsTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<string> NewOrder() =>
        (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();

    private static JsonObject Reason(string reason) => new() { ["reason"] = reason };

    [Fact]
    public async Task Approve_moves_a_created_order_and_emits_approved_and_status_changed()
    {
        var id = await NewOrder();
        var approved = await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", approved["status"].Str());
        Assert.Equal(2, approved["version"]!.GetValue<int>());

        var events = await _admin.AllEvents($"&subject={id}", atLeast: 3);
        Assert.Equal(["order.created", "order.approved", "order.status_changed"], events.Select(e => e["type"].Str()));
        var changed = events[2]["data"]!;
        Assert.Equal("created", changed["previousStatus"].Str());
        Assert.Equal("approved", changed["status"].Str());
        Assert.Equal(id, changed["id"].Str());
    }

    [Fact]
    public async Task Hold_and_release_return_the_order_to_where_it_was()
    {
        var id = await NewOrder();
        await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        var held = await (await _admin.PostJson($"/api/v1/orders/{id}/hold", Reason("address check"))).Expect(HttpStatusCode.OK);
        Assert.Equal("on_hold", held["status"].Str());
        var released = await (await _admin.PostJson($"/api/v1/orders/{id}/release-hold", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", released["status"].Str());

        var history = await (await _admin.GetAsync($"/api/v1/orders/{id}/history")).Expect(HttpStatusCode.OK);
        var entries = history["items"]!.AsArray();
        Assert.Equal(["capture", "approve", "hold", "release-hold"], entries.Select(e => e!["action"].Str()));
        Assert.Equal("address check", entries[2]!["reason"].Str());
        Assert.Equal("approved", entries[2]!["fromStatus"].Str());
        Assert.Equal("on_hold", entries[2]!["toStatus"].Str());
        Assert.Equal("approved", entries[3]!["toStatus"].Str());

        var held2 = await _admin.AllEvents($"&subject={id}&types=order.held", atLeast: 1);
        Assert.Single(held2);
    }

    [Fact]
    public async Task Approving_a_held_order_releases_the_hold()
    {
        var id = await NewOrder();
        await (await _admin.PostJson($"/api/v1/orders/{id}/hold", Reason("fraud review"))).Expect(HttpStatusCode.OK);
        var approved = await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", approved["status"].Str());
    }

    [Fact]
    public async Task Illegal_transitions_are_409_invalid_transition_and_change_nothing()
    {
        var id = await NewOrder();
        var problem = await (await _admin.PostJson($"/api/v1/orders/{id}/release-hold", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Contains("release-hold", problem["detail"].Str());
        Assert.Contains("created", problem["detail"].Str());

        await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");

        var order = await (await _admin.GetAsync($"/api/v1/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(2, order["version"]!.GetValue<int>());
        await (await _admin.PostJson($"/api/v1/orders/{id}/hold", Reason("marker"))).Expect(HttpStatusCode.OK);
        var events = await _admin.AllEvents($"&subject={id}&types=order.created,order.approved,order.held", atLeast: 3);
        Assert.Equal(["order.created", "order.approved", "order.held"], events.Select(e => e["type"].Str()));
    }

    [Fact]
    public async Task A_stale_if_match_is_a_409_version_conflict()
    {
        var id = await NewOrder();
        await (await _admin.PostJson($"/api/v1/orders/{id}/hold", Reason("check"), ifMatch: "\"2\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var held = await (await _admin.PostJson($"/api/v1/orders/{id}/hold", Reason("check"), ifMatch: "\"1\"")).Expect(HttpStatusCode.OK);
        Assert.Equal(2, held["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Hold_needs_a_reason()
    {
        var id = await NewOrder();
        await (await _admin.PostJson($"/api/v1/orders/{id}/hold", new JsonObject())).ExpectFieldError("reason");
    }

    [Fact]
    public async Task Unknown_orders_are_404_not_found()
    {
        await (await _admin.GetAsync("/api/v1/orders/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.PostJson("/api/v1/orders/nope/approve", null)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync("/api/v1/orders/nope/history")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_storefront_key_may_not_approve()
    {
        var id = await NewOrder();
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.PostJson($"/api/v1/orders/{id}/approve", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var agent = await server.ClientWithRole("agent");
        await (await agent.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Approve_with_an_idempotency_key_is_done_once()
    {
        var id = await NewOrder();
        var key = Guid.NewGuid().ToString();
        var first = await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null, key)).Expect(HttpStatusCode.OK);
        var replay = await _admin.PostJson($"/api/v1/orders/{id}/approve", null, key);
        var second = await replay.Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(first, second));
        // A later event marks the point by which any second approval would be visible in the feed.
        await (await _admin.PostJson($"/api/v1/orders/{id}/hold", Reason("marker"))).Expect(HttpStatusCode.OK);
        var events = await _admin.AllEvents($"&subject={id}&types=order.approved,order.held", atLeast: 2);
        Assert.Equal(["order.approved", "order.held"], events.Select(e => e["type"].Str()));
    }
}

public sealed class OrderActionsOnSqlite(SqliteServer server) : OrderActionsTests(server), IClassFixture<SqliteServer>;

public sealed class OrderActionsOnPostgres(PostgresServer server) : OrderActionsTests(server), IClassFixture<PostgresServer>;
