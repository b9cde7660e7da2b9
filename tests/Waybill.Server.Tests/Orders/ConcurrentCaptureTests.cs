using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Orders;

/// <summary>Channels resend and retry in parallel: the races must still yield one order, one customer, one response.</summary>
public abstract class ConcurrentCaptureTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task Sixteen_simultaneous_resends_make_one_order()
    {
        var body = Api.WebOrder();
        var before = await _admin.OrderCount();
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _admin.PostJson("/api/v1/orders", body)));
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            ids.Add((await response.Json())["id"].Str());
        }
        Assert.Single(ids);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(before + 1, await _admin.OrderCount());
    }

    [Fact]
    public async Task Simultaneous_first_orders_of_one_new_customer_share_one_customer()
    {
        var email = $"race.{Guid.NewGuid():N}@example.com";
        var bodies = Enumerable.Range(0, 8).Select(_ =>
        {
            var body = Api.WebOrder();
            body["customer"] = new JsonObject { ["email"] = email };
            return body;
        });
        var responses = await Task.WhenAll(bodies.Select(b => _admin.PostJson("/api/v1/orders", b)));
        var customers = new HashSet<string>();
        foreach (var response in responses) customers.Add((await response.Expect(HttpStatusCode.Created))["customer"]!["id"].Str());
        Assert.Single(customers);
    }

    [Fact]
    public async Task Simultaneous_retries_with_one_idempotency_key_do_the_work_once()
    {
        var key = Guid.NewGuid().ToString();
        var body = Api.WebOrder();
        var before = await _admin.OrderCount();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _admin.PostJson("/api/v1/orders", body, key)));
        // Every twin answers the one stored 201, body and all.
        var bodies = new List<JsonObject>();
        foreach (var response in responses) bodies.Add(await response.Expect(HttpStatusCode.Created));
        Assert.All(bodies, b => Assert.True(JsonNode.DeepEquals(bodies[0], b)));
        Assert.Equal(before + 1, await _admin.OrderCount());
    }

    [Fact]
    public async Task Order_numbers_are_unique_under_load()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => _admin.PostJson("/api/v1/orders", Api.WebOrder())));
        var numbers = new List<string>();
        foreach (var response in responses) numbers.Add((await response.Expect(HttpStatusCode.Created))["orderNumber"].Str());
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }
}

public sealed class ConcurrentCaptureOnSqlite(SqliteServer server) : ConcurrentCaptureTests(server), IClassFixture<SqliteServer>;

public sealed class ConcurrentCaptureOnPostgres(PostgresServer server) : ConcurrentCaptureTests(server), IClassFixture<PostgresServer>;
