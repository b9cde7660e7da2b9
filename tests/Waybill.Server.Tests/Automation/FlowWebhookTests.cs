using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Webhooks;

namespace Waybill.Server.Tests.Automation;

/// <summary>
/// A merchant's flow that sends a webhook (<c>send_webhook</c>): written through the API, triggered by the next order,
/// delivered signed to a real receiver — the flow runner, the action registry and the webhook sender together.
/// </summary>
public abstract class FlowWebhookTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task A_flow_edited_through_the_api_sends_a_signed_webhook_for_the_next_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Subscribed to an event nothing here raises: what arrives is what the flow sent.
        var subscription = await (await _admin.PostJson("/api/v1/webhook-subscriptions", new JsonObject
        {
            ["url"] = receiver.Url("flow"), ["events"] = new JsonArray("reservation.expired"),
        })).Expect(HttpStatusCode.Created);
        var flow = "notify-" + Guid.NewGuid().ToString("N")[..8];
        await FlowTestHost.PutFlow(_admin, flow, $$"""
            name: {{flow}}
            trigger: order.created
            priority: 200
            steps:
              - id: tell
                action: send_webhook
                input:
                  subscriptionId: {{subscription["id"].Str()}}
                  payload:
                    orderNumber: "=event.data.orderNumber"
                    note: captured
            """, HttpStatusCode.Created);

        try
        {
            var order = await FlowTestHost.Capture(_admin, FlowTestHost.Order("HOOK-"));
            var id = order["id"].Str();

            await receiver.Until(() => receiver.Of("flow", id).Count == 1, "the flow's webhook arrived");
            var received = receiver.Of("flow", id).Single();
            Assert.Equal(WebhookReceiver.ExpectedSignature(subscription["secret"].Str(), received.WebhookId!, received.Timestamp!, received.Body), received.Signature);
            Assert.Equal($"/waybill/flows/{flow}", received.Event["source"].Str());
            Assert.Equal(order["orderNumber"].Str(), received.Event["data"]!["orderNumber"].Str());
            Assert.Equal("captured", received.Event["data"]!["note"].Str());

            JsonNode? run = null;
            await FlowTestHost.Eventually(async () =>
            {
                run = (await FlowTestHost.RunsOf(_admin, id)).FirstOrDefault(r => r!["flow"].Str() == flow);
                return run?["status"].Str() == "completed";
            }, $"the {flow} run completed");
            var detail = await (await _admin.GetAsync($"/api/v1/flow-runs/{run!["id"].Str()}")).Expect(HttpStatusCode.OK);
            Assert.Equal(received.WebhookId, detail["steps"]![0]!["output"]!["deliveryId"].Str());
        }
        finally
        {
            await _admin.PostJson($"/api/v1/flows/{flow}/disable", null);
        }
    }
}

public sealed class FlowWebhookOnSqlite(FlowSqliteServer server) : FlowWebhookTests(server), IClassFixture<FlowSqliteServer>;

public sealed class FlowWebhookOnPostgres(FlowPostgresServer server) : FlowWebhookTests(server), IClassFixture<FlowPostgresServer>;
