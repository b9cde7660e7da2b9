using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Webhooks;

/// <summary>Deliveries to a real receiver on 127.0.0.1: signatures, retries, timeouts, order per order, giving up.</summary>
public abstract class WebhookDeliveryTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private async Task<(string Id, string Secret)> Subscribe(string url, params string[] events)
    {
        var body = new JsonObject { ["url"] = url, ["events"] = new JsonArray([.. events.Select(e => (JsonNode)JsonValue.Create(e)!)]) };
        var created = await (await _admin.PostJson("/api/v1/webhook-subscriptions", body)).Expect(HttpStatusCode.Created);
        return (created["id"].Str(), created["secret"].Str());
    }

    private async Task Unsubscribe(string id) => await _admin.DeleteAsync($"/api/v1/webhook-subscriptions/{id}");

    private async Task<string> CaptureOrder() =>
        (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();

    private async Task<List<JsonObject>> Deliveries(string subscriptionId)
    {
        var page = await (await _admin.GetAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries?limit=500")).Expect(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(d => d!.AsObject())];
    }

    private async Task<JsonObject> DeliveryOf(string subscriptionId, string subject, string type) =>
        (await Deliveries(subscriptionId)).Single(d => d["subject"].Str() == subject && d["eventType"].Str() == type);

    private async Task<JsonObject> EventuallyDelivery(string subscriptionId, string subject, string type, string status, int seconds = 30)
    {
        JsonObject? found = null;
        await WorkTestHostEventually(async () =>
        {
            found = (await Deliveries(subscriptionId)).SingleOrDefault(d => d["subject"].Str() == subject && d["eventType"].Str() == type);
            return found?["status"].Str() == status;
        }, $"the {type} delivery of {subject} is {status}", seconds);
        return found!;
    }

    private static Task WorkTestHostEventually(Func<Task<bool>> condition, string what, int seconds) =>
        Platform.WorkTestHost.Eventually(condition, what, seconds);

    [Fact]
    public async Task A_delivery_is_the_feeds_CloudEvent_signed_with_the_standard_webhooks_headers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (subscription, secret) = await Subscribe(receiver.Url("signed"), "order.*");
        try
        {
            var order = await CaptureOrder();
            await receiver.Until(() => receiver.Of("signed", order, "order.created").Count == 1, "the receiver has order.created");
            var request = receiver.Of("signed", order, "order.created")[0];

            Assert.Equal("application/cloudevents+json", request.ContentType);
            Assert.NotNull(request.WebhookId);
            Assert.True(long.TryParse(request.Timestamp, out var timestamp), $"webhook-timestamp '{request.Timestamp}' is Unix seconds");
            Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
            Assert.Equal(WebhookReceiver.ExpectedSignature(secret, request.WebhookId!, request.Timestamp!, request.Body), request.Signature);

            // The body is the event exactly as the feed serves it.
            var feed = await _admin.AllEvents($"&subject={order}&types=order.created", atLeast: 1);
            Assert.Equal(feed.Single().ToJsonString(), request.Event.ToJsonString());
            Assert.Equal("1.0", request.Event["specversion"].Str());
            Assert.Equal("/waybill", request.Event["source"].Str());

            // The log: delivered at the first attempt; the delivery's id is the webhook-id; reads never show the secret.
            var delivery = await EventuallyDelivery(subscription, order, "order.created", "delivered");
            Assert.Equal(request.WebhookId, delivery["webhookId"].Str());
            Assert.Equal(request.WebhookId, delivery["id"].Str());
            Assert.Equal(feed.Single()["id"].Str(), delivery["eventId"].Str());
            var attempt = Assert.Single(delivery["attempts"]!.AsArray())!;
            Assert.Equal(200, attempt["statusCode"]!.GetValue<int>());
            Assert.Null(attempt["error"]);
            Assert.NotNull(attempt["at"]);
            Assert.True(attempt["durationMs"]!.GetValue<long>() >= 0);
            var read = await (await _admin.GetAsync($"/api/v1/webhook-subscriptions/{subscription}")).Expect(HttpStatusCode.OK);
            Assert.Null(read["secret"]);
            Assert.Equal(receiver.Url("signed"), read["url"].Str());
        }
        finally
        {
            await Unsubscribe(subscription);
        }
    }

    [Fact]
    public async Task A_receiver_answering_500_twice_then_200_gets_three_attempts_with_one_webhook_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, attempt, _) => Task.FromResult(attempt <= 2 ? 500 : 200);
        var (subscription, secret) = await Subscribe(receiver.Url("flaky"), "order.created");
        try
        {
            var order = await CaptureOrder();
            var delivery = await EventuallyDelivery(subscription, order, "order.created", "delivered");

            var requests = receiver.Of("flaky", order);
            Assert.Equal(3, requests.Count);
            Assert.Single(requests.Select(r => r.WebhookId).Distinct());
            Assert.Equal(delivery["webhookId"].Str(), requests[0].WebhookId);
            Assert.All(requests, r => Assert.Equal(WebhookReceiver.ExpectedSignature(secret, r.WebhookId!, r.Timestamp!, r.Body), r.Signature));
            Assert.Single(requests.Select(r => r.Body).Distinct());

            var attempts = delivery["attempts"]!.AsArray();
            Assert.Equal([500, 500, 200], attempts.Select(a => a!["statusCode"]!.GetValue<int>()));
            Assert.All(attempts.Take(2), a => Assert.Contains("500", a!["error"].Str(), StringComparison.Ordinal));
            // The retries kept the shortened schedule: at least 0.2 s, then 0.5 s apart.
            var times = attempts.Select(a => DateTimeOffset.Parse(a!["at"].Str(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(190), $"second attempt {times[1] - times[0]} after the first");
            Assert.True(times[2] - times[1] >= TimeSpan.FromMilliseconds(490), $"third attempt {times[2] - times[1]} after the second");
        }
        finally
        {
            await Unsubscribe(subscription);
        }
    }

    [Fact]
    public async Task A_later_event_of_an_order_waits_for_the_earlier_one_while_other_orders_go_on()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var first = "";
        var holdFirst = true;
        receiver.Answer = (r, _, _) => Task.FromResult(r.Subject == first && r.Type == "order.created" && Volatile.Read(ref holdFirst) ? 500 : 200);
        var (subscription, _) = await Subscribe(receiver.Url("ordered"), "order.created", "order.approved");
        try
        {
            first = await CaptureOrder();
            await (await _admin.PostJson($"/api/v1/orders/{first}/approve", null)).Expect(HttpStatusCode.OK);
            await receiver.Until(() => receiver.Of("ordered", first, "order.created").Count >= 2, "order.created of the first order was tried twice");

            // Another order's events go through meanwhile.
            var second = await CaptureOrder();
            await (await _admin.PostJson($"/api/v1/orders/{second}/approve", null)).Expect(HttpStatusCode.OK);
            await EventuallyDelivery(subscription, second, "order.approved", "delivered");
            Assert.Equal(["order.created", "order.approved"], receiver.Of("ordered", second).Select(r => r.Type));

            // The first order's approval is held back behind its failing creation.
            Assert.Empty(receiver.Of("ordered", first, "order.approved"));
            var held = await DeliveryOf(subscription, first, "order.approved");
            Assert.Equal("pending", held["status"].Str());
            Assert.True(held["waiting"]!.GetValue<bool>());
            Assert.Empty(held["attempts"]!.AsArray());

            Volatile.Write(ref holdFirst, false);
            await EventuallyDelivery(subscription, first, "order.approved", "delivered");
            var created = receiver.Of("ordered", first, "order.created");
            var approved = Assert.Single(receiver.Of("ordered", first, "order.approved"));
            Assert.Equal(200, created[^1].AnsweredStatus);
            Assert.True(approved.At >= created[^1].AnsweredAt, "order.approved went out only after order.created was answered 200");
            Assert.Equal("delivered", (await DeliveryOf(subscription, first, "order.created"))["status"].Str());
        }
        finally
        {
            await Unsubscribe(subscription);
        }
    }

    [Fact]
    public async Task A_receiver_that_hangs_is_timed_out_and_retried_and_does_not_hold_back_another_subscription()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (r, attempt, aborted) =>
        {
            if (r.Path == "/hangs" && attempt == 1) await Task.Delay(TimeSpan.FromSeconds(20), aborted);
            return 200;
        };
        var (hangs, _) = await Subscribe(receiver.Url("hangs"), "order.created");
        var (quick, _) = await Subscribe(receiver.Url("quick"), "order.created");
        try
        {
            var order = await CaptureOrder();
            await receiver.Until(() => receiver.Of("hangs", order).Count == 1, "the hanging receiver got the event");
            await EventuallyDelivery(quick, order, "order.created", "delivered");
            // The quick receiver was answered while the other one still hung (the timeout is 1 s).
            Assert.True(receiver.Of("quick", order)[0].AnsweredAt < receiver.Of("hangs", order)[0].At.AddSeconds(1));

            var delivery = await EventuallyDelivery(hangs, order, "order.created", "delivered");
            var attempts = delivery["attempts"]!.AsArray();
            Assert.Equal(2, attempts.Count);
            Assert.Null(attempts[0]!["statusCode"]);
            Assert.Contains("No answer within 1 s", attempts[0]!["error"].Str(), StringComparison.Ordinal);
            Assert.InRange(attempts[0]!["durationMs"]!.GetValue<long>(), 900, 10_000);
            Assert.Equal(200, attempts[1]!["statusCode"]!.GetValue<int>());
            Assert.Single(receiver.Of("hangs", order).Select(r => r.WebhookId).Distinct());
        }
        finally
        {
            await Unsubscribe(hangs);
            await Unsubscribe(quick);
        }
    }

    [Fact]
    public async Task After_the_last_attempt_the_delivery_is_failed_and_a_webhook_process_exception_is_raised()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, _, _) => Task.FromResult(503);
        var (subscription, _) = await Subscribe(receiver.Url("down"), "order.created", "order.approved");
        try
        {
            var order = await CaptureOrder();
            await (await _admin.PostJson($"/api/v1/orders/{order}/approve", null)).Expect(HttpStatusCode.OK);
            var delivery = await EventuallyDelivery(subscription, order, "order.created", "failed", seconds: 60);
            Assert.Equal(1 + WebhooksTestHost.RetryDelays.Length, delivery["attempts"]!.AsArray().Count);
            Assert.All(delivery["attempts"]!.AsArray(), a => Assert.Equal(503, a!["statusCode"]!.GetValue<int>()));
            Assert.Equal(8, receiver.Of("down", order, "order.created").Count);

            var exceptions = await (await _admin.GetAsync($"/api/v1/process-exceptions?category=webhook&orderId={order}")).Expect(HttpStatusCode.OK);
            var raised = exceptions["items"]!.AsArray().Select(e => e!.AsObject()).Where(e => e["message"].Str().Contains(delivery["id"].Str(), StringComparison.Ordinal)).ToList();
            var exception = Assert.Single(raised);
            Assert.Equal("new", exception["status"].Str());
            Assert.Equal(order, exception["orderId"].Str());
            var events = await _admin.AllEvents($"&subject={order}&types=process_exception.created", atLeast: 1);
            Assert.Contains(events, e => e["data"]!["id"].Str() == exception["id"].Str());

            // Failed counts as done for the order's queue: the approval went next.
            await receiver.Until(() => receiver.Of("down", order, "order.approved").Count >= 1, "order.approved went out after order.created failed");
            Assert.True(receiver.Of("down", order, "order.approved")[0].At >= receiver.Of("down", order, "order.created")[^1].At);
        }
        finally
        {
            await Unsubscribe(subscription);
        }
    }
}

public sealed class WebhookDeliveryOnSqlite(WebhooksSqliteServer server) : WebhookDeliveryTests(server), IClassFixture<WebhooksSqliteServer>;

public sealed class WebhookDeliveryOnPostgres(WebhooksPostgresServer server) : WebhookDeliveryTests(server), IClassFixture<WebhooksPostgresServer>;
