using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Platform;

public abstract class PlatformTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task Health_answers_without_a_key()
    {
        var anonymous = server.Client(key: null);
        Assert.Equal("live", (await (await anonymous.GetAsync("/health/live")).Expect(HttpStatusCode.OK))["status"].Str());
        Assert.Equal("ready", (await (await anonymous.GetAsync("/health/ready")).Expect(HttpStatusCode.OK))["status"].Str());
    }

    [Fact]
    public async Task The_openapi_document_and_the_reference_ui_are_public()
    {
        var anonymous = server.Client(key: null);
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK);
        Assert.True(document["paths"]!.AsObject().ContainsKey("/api/v1/orders"));
        var docs = await anonymous.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_keys_are_issued_with_the_secret_once_listed_without_it_and_revoked()
    {
        var issued = await (await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "shop", role = "storefront" })).Expect(HttpStatusCode.Created);
        var secret = issued["secret"].Str();
        Assert.StartsWith("wb_", secret);
        Assert.Equal("storefront", issued["role"].Str());

        var list = await (await _admin.GetAsync("/api/v1/api-keys?limit=500")).Expect(HttpStatusCode.OK);
        var listed = list["items"]!.AsArray().Single(k => k!["id"].Str() == issued["id"].Str())!;
        Assert.False(listed.AsObject().ContainsKey("secret"));
        Assert.DoesNotContain(secret, list.ToJsonString());

        var shop = server.Client(secret);
        await (await shop.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created);
        await (await shop.GetAsync("/api/v1/api-keys")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/v1/api-keys/{issued["id"].Str()}")).StatusCode);
        await (await shop.PostJson("/api/v1/orders", Api.WebOrder())).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await _admin.DeleteAsync($"/api/v1/api-keys/{issued["id"].Str()}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("{ \"role\": \"viewer\" }", "name")]
    [InlineData("{ \"name\": \"x\" }", "role")]
    [InlineData("{ \"name\": \"x\", \"role\": \"fulfillment\" }", "locations")]
    [InlineData("{ \"name\": \"x\", \"role\": \"king\" }", "role")]
    public async Task Bad_key_requests_are_named(string body, string field)
    {
        await (await _admin.PostRaw("/api/v1/api-keys", body)).ExpectFieldError(field);
    }

    [Fact]
    public async Task A_replayed_capture_answers_its_stored_201_without_a_second_order()
    {
        var key = Guid.NewGuid().ToString();
        var body = Api.WebOrder();
        var first = await _admin.PostJson("/api/v1/orders", body, key);
        var firstBody = await first.Expect(HttpStatusCode.Created);
        var before = await _admin.OrderCount();

        var replay = await _admin.PostJson("/api/v1/orders", body, key);
        var replayBody = await replay.Expect(HttpStatusCode.Created);
        Assert.True(JsonNode.DeepEquals(firstBody, replayBody));
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(before, await _admin.OrderCount());

        // Keys are scoped to the API key: another key may use the same idempotency key for its own request.
        var other = await server.ClientWithRole("storefront");
        var otherBody = Api.WebOrder();
        await (await other.PostJson("/api/v1/orders", otherBody, key)).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_event_feed_pages_oldest_first_and_filters_by_type()
    {
        string last = "";
        for (var i = 0; i < 3; i++) last = (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();
        await (await _admin.PostJson($"/api/v1/orders/{last}/approve", null)).Expect(HttpStatusCode.OK);
        await _admin.AllEvents($"&subject={last}", atLeast: 3);
        var all = await _admin.AllEvents();
        var paged = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await (await _admin.GetAsync("/api/v1/events?limit=2" + (cursor is null ? "" : "&cursor=" + cursor))).Expect(HttpStatusCode.OK);
            paged.AddRange(page["items"]!.AsArray().Select(e => e!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal(all.Select(e => e["id"].Str()), paged.Select(e => e["id"].Str()));
        Assert.True(all.Count >= 3);
        var times = all.Select(e => DateTimeOffset.Parse(e["time"].Str(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        var approved = await _admin.AllEvents("&types=order.approved");
        Assert.Contains(approved, e => e["subject"].Str() == last);
        Assert.All(approved, e => Assert.Equal("order.approved", e["type"].Str()));
    }

    [Fact]
    public async Task A_replayed_key_issue_never_shows_or_stores_the_secret_again()
    {
        var key = Guid.NewGuid().ToString();
        var body = JsonNode.Parse("""{ "name": "replayed", "role": "viewer" }""");
        var first = await (await _admin.PostJson("/api/v1/api-keys", body, key)).Expect(HttpStatusCode.Created);
        var secret = first["secret"].Str();
        var replay = await (await _admin.PostJson("/api/v1/api-keys", body, key)).Expect(HttpStatusCode.Created);
        Assert.Equal(first["id"].Str(), replay["id"].Str());
        Assert.Null(replay["secret"]);

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Waybill.Server.Data.WaybillDb>();
        Assert.False(await db.IdempotencyRecords.AnyAsync(r => r.Body.Contains(secret)));
    }

    [Theory]
    [InlineData("/api/v1/orders?limit=abc", "limit")]
    [InlineData("/api/v1/orders?from=yesterday", "from")]
    [InlineData("/api/v1/events?limit=x", "limit")]
    public async Task Query_values_of_the_wrong_type_are_named(string url, string field)
    {
        await (await _admin.GetAsync(url)).ExpectFieldError(field);
    }

    [Fact]
    public async Task The_event_feed_needs_a_reading_role()
    {
        await (await server.Client(key: null).GetAsync("/api/v1/events")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.GetAsync("/api/v1/events")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Unknown_api_paths_are_a_404_problem()
    {
        await (await _admin.GetAsync("/api/v1/nothing-here")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class PlatformOnSqlite(SqliteServer server) : PlatformTests(server), IClassFixture<SqliteServer>;

public sealed class PlatformOnPostgres(PostgresServer server) : PlatformTests(server), IClassFixture<PostgresServer>;
