using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Data;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Platform;

/// <summary>The outbox dispatcher, driven through the API: orders change, consumers registered in the host get the events.</summary>
public abstract class DispatchTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();
    private ConsumedEvents Consumed => server.Services.GetRequiredService<ConsumedEvents>();

    private async Task<string> OrderWithFiveEvents()
    {
        var id = (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();
        await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        await (await _admin.PostJson($"/api/v1/orders/{id}/hold", new JsonObject { ["reason"] = "address check" })).Expect(HttpStatusCode.OK);
        return id;
    }

    [Fact]
    public async Task Every_event_of_an_order_reaches_a_consumer_in_order_exactly_once()
    {
        var id = await OrderWithFiveEvents();
        var feed = await _admin.AllEvents($"&subject={id}", atLeast: 5);
        Assert.Equal(5, feed.Count);

        await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(RecordingConsumer.ConsumerName, id).Count >= 5), "the recorder has the order's events");
        await Task.Delay(300);
        var handed = Consumed.Of(RecordingConsumer.ConsumerName, id);
        Assert.Equal(feed.Select(e => e["id"].Str()), handed.Select(e => e.Id));
        Assert.Equal(["order.created", "order.approved", "order.status_changed", "order.held", "order.status_changed"], handed.Select(e => e.Type));
        Assert.Equal(handed.Select(e => e.Sequence).Order(), handed.Select(e => e.Sequence));
        // The data is the resource as the feed serves it.
        Assert.Equal("on_hold", handed[^1].Data.GetProperty("status").GetString());
        Assert.Equal(feed[3]["data"]!.ToJsonString(), JsonNode.Parse(handed[3].Data.GetRawText())!.ToJsonString());
    }

    [Fact]
    public async Task A_consumer_that_throws_gets_the_event_again_later_and_does_not_hold_back_another()
    {
        var id = (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();
        Consumed.FailFor[id] = true;
        string stuck;
        try
        {
            await (await _admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
            await (await _admin.PostJson($"/api/v1/orders/{id}/hold", new JsonObject { ["reason"] = "address check" })).Expect(HttpStatusCode.OK);
            // The recorder goes on while the flaky consumer keeps failing on one event (order.created, or order.approved
            // when it had handled order.created before it started failing).
            await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(RecordingConsumer.ConsumerName, id).Count >= 5), "the recorder has all five events");
            await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(FlakyConsumer.ConsumerName, id).Count >= 3), "the flaky consumer was retried");
            var attempts = Consumed.Of(FlakyConsumer.ConsumerName, id);
            stuck = attempts[^1].Id;
            Assert.Equal(attempts[^1].Id, attempts[^2].Id);
            Assert.True(attempts.Select(e => e.Id).Distinct().Count() <= 2);
            Assert.Contains(attempts[^1].Type, new[] { "order.created", "order.approved" });
        }
        finally
        {
            Consumed.FailFor.TryRemove(id, out _);
        }

        await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(FlakyConsumer.ConsumerName, id).Any(e => e.Type == "order.held")),
            "the flaky consumer caught up");
        await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(FlakyConsumer.ConsumerName, id).Select(e => e.Id).Distinct().Count() == 5),
            "the flaky consumer has every event");
        var flaky = Consumed.Of(FlakyConsumer.ConsumerName, id);
        // The same events as the recorder, in the same order: the failing one again and again, each of the rest once.
        Assert.Equal(Consumed.Of(RecordingConsumer.ConsumerName, id).Select(e => e.Id), flaky.Select(e => e.Id).Distinct());
        Assert.All(flaky.GroupBy(e => e.Id).Where(g => g.Key != stuck), g => Assert.Single(g));
        Assert.True(flaky.Count(e => e.Id == stuck) >= 3);
    }

    [Fact]
    public async Task A_new_consumer_starts_from_the_beginning_and_a_consumer_is_dispatched_by_one_node_at_a_time()
    {
        var id = await OrderWithFiveEvents();
        await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(RecordingConsumer.ConsumerName, id).Count >= 5), "the recorder has the order's events");
        var first = (await _admin.AllEvents())[0];

        var database = server.Services.GetRequiredService<DatabaseSettings>().ConnectionString;
        await using var second = WorkTestHost.SecondNode(database, s => s.AddEventConsumer<LateConsumer>());
        _ = second.Server;
        var there = second.Services.GetRequiredService<ConsumedEvents>();
        await WorkTestHost.Eventually(() => Task.FromResult(there.Of(LateConsumer.ConsumerName, id).Count >= 5), "the late consumer has caught up");
        var late = there.Handed.Where(h => h.Consumer == LateConsumer.ConsumerName).Select(h => h.Event).ToList();
        Assert.Equal(first["id"].Str(), late[0].Id);

        // This node holds the recorder's lease: the second node hands it nothing, even for a new order.
        var later = await OrderWithFiveEvents();
        await WorkTestHost.Eventually(() => Task.FromResult(Consumed.Of(RecordingConsumer.ConsumerName, later).Count >= 5), "the recorder has the new order's events");
        Assert.DoesNotContain(there.Handed, h => h.Consumer == RecordingConsumer.ConsumerName);
    }
}

public sealed class DispatchOnSqlite(WorkSqliteServer server) : DispatchTests(server), IClassFixture<WorkSqliteServer>;

public sealed class DispatchOnPostgres(WorkPostgresServer server) : DispatchTests(server), IClassFixture<WorkPostgresServer>;
