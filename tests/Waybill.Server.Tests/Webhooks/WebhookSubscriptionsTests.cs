using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Platform;

namespace Waybill.Server.Tests.Webhooks;

/// <summary>Subscriptions through the API: bad input, delete, redeliver, the delivery log, and the send_webhook flow action.</summary>
public abstract class WebhookSubscriptionsTests(WaybillServer server)
{
    private const string Path = "/api/v1/webhook-subscriptions";
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Subscription(string url, params string[] events) =>
        new() { ["url"] = url, ["events"] = new JsonArray([.. events.Select(e => (JsonNode)JsonValue.Create(e)!)]) };

    private async Task<JsonObject> Subscribe(string url, params string[] events) =>
        await (await _admin.PostJson(Path, Subscription(url, events))).Expect(HttpStatusCode.Created);

    private async Task<string> CaptureOrder() =>
        (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();

    private async Task<List<JsonObject>> Deliveries(string subscriptionId)
    {
        var page = await (await _admin.GetAsync($"{Path}/{subscriptionId}/deliveries?limit=500")).Expect(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(d => d!.AsObject())];
    }

    private async Task<JsonObject> EventuallyDelivered(string subscriptionId, Func<JsonObject, bool> which, int attempts = 1)
    {
        JsonObject? found = null;
        await WorkTestHost.Eventually(async () =>
        {
            found = (await Deliveries(subscriptionId)).FirstOrDefault(which);
            return found?["status"].Str() == "delivered" && found["attempts"]!.AsArray().Count == attempts;
        }, $"a delivery is delivered after {attempts} attempts", 30);
        return found!;
    }

    private async Task<int> SubscriptionCount()
    {
        var page = await (await _admin.GetAsync($"{Path}?limit=500")).Expect(HttpStatusCode.OK);
        return page["items"]!.AsArray().Count;
    }

    [Fact]
    public async Task A_subscription_is_created_with_a_generated_secret_shown_once_and_listed_without_it()
    {
        var created = await (await _admin.PostJson(Path, Subscription("http://127.0.0.1:9/hooks", "order.*", "*", "shipment.delivered")))
            .Expect(HttpStatusCode.Created);
        var secret = created["secret"].Str();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal(["order.*", "*", "shipment.delivered"], created["events"]!.AsArray().Select(e => e.Str()));
        var id = created["id"].Str();

        var given = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var withSecret = await (await _admin.PostJson(Path, new JsonObject { ["url"] = "https://example.com/hooks", ["events"] = new JsonArray("order.created"), ["secret"] = given }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(given, withSecret["secret"].Str());

        var list = await (await _admin.GetAsync($"{Path}?limit=500")).Expect(HttpStatusCode.OK);
        var listed = list["items"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["id"].Str() == id);
        Assert.Null(listed["secret"]);
        Assert.True(listed.ContainsKey("secret"));
        Assert.Equal("http://127.0.0.1:9/hooks", listed["url"].Str());
        Assert.Empty(await Deliveries(id));

        // Paged: one per page, following the cursor.
        var first = await (await _admin.GetAsync($"{Path}?limit=1")).Expect(HttpStatusCode.OK);
        Assert.Single(first["items"]!.AsArray());
        Assert.NotNull(first["nextCursor"]);

        await _admin.DeleteAsync($"{Path}/{id}");
        await _admin.DeleteAsync($"{Path}/{withSecret["id"].Str()}");
    }

    [Theory]
    [InlineData("""{ "events": ["order.*"] }""", "url")]
    [InlineData("""{ "url": "/relative", "events": ["order.*"] }""", "url")]
    [InlineData("""{ "url": "ftp://example.com/x", "events": ["order.*"] }""", "url")]
    [InlineData("""{ "url": "not a url", "events": ["order.*"] }""", "url")]
    [InlineData("""{ "url": "https://user:pw@example.com/x", "events": ["order.*"] }""", "url")]
    [InlineData("""{ "url": "https://example.com/x" }""", "events")]
    [InlineData("""{ "url": "https://example.com/x", "events": [] }""", "events")]
    [InlineData("""{ "url": "https://example.com/x", "events": ["order.shipped"] }""", "events[0]")]
    [InlineData("""{ "url": "https://example.com/x", "events": ["order.created", "parcel.*"] }""", "events[1]")]
    [InlineData("""{ "url": "https://example.com/x", "events": ["order"] }""", "events[0]")]
    [InlineData("""{ "url": "https://example.com/x", "events": ["order.*"], "secret": "s3cret" }""", "secret")]
    [InlineData("""{ "url": "https://example.com/x", "events": ["order.*"], "secret": "whsec_c2hvcnQ=" }""", "secret")]
    [InlineData("""{ "url": "https://example.com/x", "events": ["order.*"], "secret": "whsec_***not-base64***" }""", "secret")]
    [InlineData("""{ "url": "https://example.com/x", "events": "order.*" }""", "events")]
    [InlineData("""{ "url": 42, "events": ["order.*"] }""", "url")]
    public async Task Bad_input_is_refused_naming_the_field_and_writes_nothing(string body, string field)
    {
        var before = await SubscriptionCount();
        await (await _admin.PostRaw(Path, body)).ExpectFieldError(field);
        Assert.Equal(before, await SubscriptionCount());
    }

    [Fact]
    public async Task A_secret_of_more_than_64_bytes_is_refused_and_only_admins_may_change_webhooks()
    {
        var tooLong = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(65));
        await (await _admin.PostJson(Path, new JsonObject { ["url"] = "https://example.com/x", ["events"] = new JsonArray("*"), ["secret"] = tooLong }))
            .ExpectFieldError("secret");
        await (await _admin.PostRaw(Path, "{ not json")).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");

        var viewer = await server.ClientWithRole("viewer");
        var agent = await server.ClientWithRole("agent");
        // Viewers read every GET (api.md "Auth"), never a secret; only admins change webhooks.
        var mine = await (await _admin.PostJson(Path, Subscription("https://example.com/read", "*"))).Expect(HttpStatusCode.Created);
        var read = await (await viewer.GetAsync($"{Path}/{mine["id"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.Null(read["secret"]);
        await (await viewer.PostJson(Path, Subscription("https://example.com/x", "*"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await viewer.DeleteAsync($"{Path}/{mine["id"].Str()}")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await agent.PostJson(Path, Subscription("https://example.com/x", "*"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await agent.PostJson("/api/v1/webhook-deliveries/x/redeliver", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await server.Client(null).GetAsync(Path)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        await (await _admin.GetAsync($"{Path}/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync($"{Path}/nope/deliveries")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.DeleteAsync($"{Path}/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.PostJson("/api/v1/webhook-deliveries/nope/redeliver", null)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var id = (await Subscribe("https://example.com/x", "*"))["id"].Str();
        await (await _admin.GetAsync($"{Path}/{id}/deliveries?status=lost")).ExpectFieldError("status");
        await _admin.DeleteAsync($"{Path}/{id}");
    }

    [Fact]
    public async Task Deleting_a_subscription_stops_its_deliveries()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var kept = (await Subscribe(receiver.Url("kept"), "order.created"))["id"].Str();
        var gone = (await Subscribe(receiver.Url("gone"), "order.created"))["id"].Str();

        var response = await _admin.DeleteAsync($"{Path}/{gone}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await _admin.GetAsync($"{Path}/{gone}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.DeleteAsync($"{Path}/{gone}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var list = await (await _admin.GetAsync($"{Path}?limit=500")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(list["items"]!.AsArray(), s => s!["id"].Str() == gone);

        var order = await CaptureOrder();
        await receiver.Until(() => receiver.Of("kept", order).Count == 1, "the kept subscription got the event");
        await Task.Delay(500);
        Assert.Empty(receiver.At("gone"));
        await _admin.DeleteAsync($"{Path}/{kept}");
    }

    [Fact]
    public async Task Deleting_a_subscription_ends_its_pending_deliveries_without_another_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, _, _) => Task.FromResult(500);
        var id = (await Subscribe(receiver.Url("dying"), "order.created"))["id"].Str();
        var order = await CaptureOrder();
        await receiver.Until(() => receiver.Of("dying", order).Count >= 2, "the receiver was tried twice");
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"{Path}/{id}")).StatusCode);
        var seen = receiver.Of("dying", order).Count;
        await Task.Delay(2500);
        // At most an attempt already on the wire when the subscription went; none after it.
        Assert.InRange(receiver.Of("dying", order).Count, seen, seen + 1);
    }

    [Fact]
    public async Task Redeliver_makes_one_more_attempt_with_the_same_webhook_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Answer = async (_, attempt, aborted) =>
        {
            if (attempt == 2) await gate.Task.WaitAsync(aborted);
            return 200;
        };
        var created = await Subscribe(receiver.Url("again"), "order.created");
        var id = created["id"].Str();
        try
        {
            var order = await CaptureOrder();
            var delivery = await EventuallyDelivered(id, d => d["subject"].Str() == order);
            var deliveryId = delivery["id"].Str();

            var redelivered = await (await _admin.PostJson($"/api/v1/webhook-deliveries/{deliveryId}/redeliver", null)).Expect(HttpStatusCode.OK);
            Assert.Equal("pending", redelivered["status"].Str());
            Assert.Equal(deliveryId, redelivered["webhookId"].Str());
            // While the new attempt is on the wire the delivery is pending: redelivering it again is refused.
            await receiver.Until(() => receiver.Of("again", order).Count == 2, "the receiver got the redelivery");
            var problem = await (await _admin.PostJson($"/api/v1/webhook-deliveries/{deliveryId}/redeliver", null))
                .ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
            Assert.Contains("pending", problem["detail"].Str(), StringComparison.Ordinal);
            gate.SetResult();

            var after = await EventuallyDelivered(id, d => d["id"].Str() == deliveryId, attempts: 2);
            Assert.Equal([200, 200], after["attempts"]!.AsArray().Select(a => a!["statusCode"]!.GetValue<int>()));
            var requests = receiver.Of("again", order);
            Assert.Equal([deliveryId, deliveryId], requests.Select(r => r.WebhookId));
            Assert.Equal(requests[0].Body, requests[1].Body);
            Assert.Equal(WebhookReceiver.ExpectedSignature(created["secret"].Str(), deliveryId, requests[1].Timestamp!, requests[1].Body), requests[1].Signature);
        }
        finally
        {
            gate.TrySetResult();
            await _admin.DeleteAsync($"{Path}/{id}");
        }
    }

    [Fact]
    public async Task The_send_webhook_flow_action_schedules_a_signed_delivery_of_the_event_or_a_payload()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Subscribed to nothing the order writes, so only the action's deliveries arrive.
        var created = await Subscribe(receiver.Url("flow"), "invoice.paid");
        var id = created["id"].Str();
        try
        {
            var order = await CaptureOrder();
            var feedEvent = (await _admin.AllEvents($"&subject={order}&types=order.created", atLeast: 1)).Single();
            using var data = JsonDocument.Parse(feedEvent["data"]!.ToJsonString());
            var e = new DispatchedEvent(0, feedEvent["id"].Str(), "order.created", order,
                DateTimeOffset.Parse(feedEvent["time"].Str(), System.Globalization.CultureInfo.InvariantCulture), data.RootElement.Clone());

            string byId, byUrl;
            await using (var scope = server.Services.CreateAsyncScope())
            {
                var action = scope.ServiceProvider.GetServices<IFlowAction>().Single(a => a.Name == "send_webhook");
                var context = new FlowActionContext(scope.ServiceProvider, "flow:notify", "notify", "run-1", "step-1", e);
                byId = (await action.RunAsync(context, new JsonObject { ["subscriptionId"] = id }, CancellationToken.None))!["deliveryId"].Str();
                byUrl = (await action.RunAsync(context,
                    new JsonObject { ["url"] = receiver.Url("flow"), ["payload"] = new JsonObject { ["note"] = "hello", ["total"] = 12.5 } },
                    CancellationToken.None))!["deliveryId"].Str();
                await Assert.ThrowsAsync<FlowInputException>(() => action.RunAsync(context, new JsonObject(), CancellationToken.None));
                await Assert.ThrowsAsync<FlowInputException>(() =>
                    action.RunAsync(context, new JsonObject { ["url"] = "https://nobody.example/x" }, CancellationToken.None));
                // The run commits its unit of work; the action itself never does, and never calls out.
                Assert.Empty(receiver.Received);
                await scope.ServiceProvider.GetRequiredService<WaybillDb>().SaveChangesAsync();
                scope.ServiceProvider.GetRequiredService<WorkSignals>().Jobs.Raise();
            }

            await receiver.Until(() => receiver.At("flow").Count == 2, "both of the action's deliveries arrived");
            var plain = receiver.At("flow").Single(r => r.WebhookId == byId);
            Assert.Equal(feedEvent.ToJsonString(), plain.Event.ToJsonString());
            var custom = receiver.At("flow").Single(r => r.WebhookId == byUrl);
            Assert.Equal("/waybill/flows/notify", custom.Event["source"].Str());
            Assert.Equal(byUrl, custom.Event["id"].Str());
            Assert.Equal("order.created", custom.Type);
            Assert.Equal(order, custom.Subject);
            Assert.Equal("hello", custom.Event["data"]!["note"].Str());
            foreach (var r in receiver.At("flow"))
                Assert.Equal(WebhookReceiver.ExpectedSignature(created["secret"].Str(), r.WebhookId!, r.Timestamp!, r.Body), r.Signature);

            var log = await EventuallyDelivered(id, d => d["id"].Str() == byId);
            Assert.Equal("flow:notify", log["origin"].Str());
            await EventuallyDelivered(id, d => d["id"].Str() == byUrl);
        }
        finally
        {
            await _admin.DeleteAsync($"{Path}/{id}");
        }
    }
}

public sealed class WebhookSubscriptionsOnSqlite(WebhooksSqliteServer server) : WebhookSubscriptionsTests(server), IClassFixture<WebhooksSqliteServer>;

public sealed class WebhookSubscriptionsOnPostgres(WebhooksPostgresServer server) : WebhookSubscriptionsTests(server), IClassFixture<WebhooksPostgresServer>;
