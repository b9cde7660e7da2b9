using System.Net;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Automation;

/// <summary>A flow changed through the API changes what happens to the next order, without a restart; disabling stops it.</summary>
public abstract class FlowEditingTests(WaybillServer server)
{
    private const string DefaultFlow = "order-created-fraud-check";
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task A_stale_If_Match_on_a_flow_is_a_conflict_and_changes_nothing()
    {
        var name = "if-match-" + Guid.NewGuid().ToString("N")[..8];
        string File(string step) => $$"""
            name: {{name}}
            trigger: order.created
            enabled: false
            steps:
              - id: {{step}}
                action: test_count
                input: { key: "=event.data.id" }
            """;
        async Task<HttpResponseMessage> Put(string yaml, string? ifMatch)
        {
            using var content = new StringContent(yaml, System.Text.Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/yaml");
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/flows/{name}") { Content = content };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await _admin.SendAsync(request);
        }
        // Nothing to match yet: creating with If-Match is a conflict.
        await (await Put(File("a"), "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        Assert.Equal(1, (await (await Put(File("a"), null)).Expect(HttpStatusCode.Created))["version"]!.GetValue<int>());
        Assert.Equal(2, (await (await Put(File("b"), "\"1\"")).Expect(HttpStatusCode.OK))["version"]!.GetValue<int>());

        await (await Put(File("c"), "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        await (await _admin.PostJson($"/api/v1/flows/{name}/enable", null, ifMatch: "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        var flow = await (await _admin.GetAsync($"/api/v1/flows/{name}")).Expect(HttpStatusCode.OK);
        Assert.Equal((2, false), (flow["version"]!.GetValue<int>(), flow["enabled"]!.GetValue<bool>()));
        Assert.Contains("id: b", flow["text"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flow_put_through_the_api_decides_the_next_order_and_disable_stops_it()
    {
        var first = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("E1-")))["id"].Str();
        await FlowTestHost.Eventually(async () => await FlowTestHost.WasApproved(_admin, first), "the default flow approved the first order");

        // The merchant's version of the default: hold every web order for a call.
        var put = await FlowTestHost.PutFlow(_admin, DefaultFlow, """
            name: order-created-fraud-check
            trigger: order.created
            condition: "event.data.channel == 'web'"
            steps:
              - id: hold
                action: hold
                input:
                  orderId: "=event.data.id"
                  reason: "='Call the customer about ' + event.data.externalReference"
            """, HttpStatusCode.OK);
        Assert.Equal("merchant", put["source"].Str());
        Assert.Equal(2, put["version"]!.GetValue<int>());
        Assert.Contains("Call the customer", put["text"].Str());

        var second = await FlowTestHost.Capture(_admin, FlowTestHost.Order("E2-"));
        var secondId = second["id"].Str();
        await FlowTestHost.Eventually(async () => await FlowTestHost.StatusOf(_admin, secondId) == "on_hold", "the merchant's flow held the second order");
        var held = await (await _admin.GetAsync($"/api/v1/orders/{secondId}/history")).Expect(HttpStatusCode.OK);
        Assert.Contains(held["items"]!.AsArray(), h => h!["reason"]?.GetValue<string>() == "Call the customer about " + second["externalReference"].Str());

        var disabled = await (await _admin.PostJson($"/api/v1/flows/{DefaultFlow}/disable", null)).Expect(HttpStatusCode.OK);
        Assert.False(disabled["enabled"]!.GetValue<bool>());
        Assert.Equal(3, disabled["version"]!.GetValue<int>());
        var list = (await (await _admin.GetAsync("/api/v1/flows")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        var listed = Assert.Single(list, f => f!["name"].Str() == DefaultFlow)!;
        Assert.Equal("merchant", listed["source"].Str());
        Assert.False(listed["enabled"]!.GetValue<bool>());

        // Flows apply as they are when the runner takes the event, so the third order's event must have been taken
        // before the default is enabled again: a second flow on the same trigger shows when it has been.
        await FlowTestHost.PutFlow(_admin, "editing-marker", """
            name: editing-marker
            trigger: order.created
            priority: 300
            steps:
              - id: mark
                action: test_count
                input: { key: "=event.data.id" }
            """, HttpStatusCode.Created);
        var third = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("E3-")))["id"].Str();
        await FlowTestHost.Eventually(async () => (await FlowTestHost.RunsOf(_admin, third)).Count == 1, "the runner took the third order's event");
        await (await _admin.PostJson("/api/v1/flows/editing-marker/disable", null)).Expect(HttpStatusCode.OK);
        await (await _admin.PostJson($"/api/v1/flows/{DefaultFlow}/enable", null)).Expect(HttpStatusCode.OK);
        var fourth = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("E4-")))["id"].Str();
        await FlowTestHost.Eventually(async () => await FlowTestHost.StatusOf(_admin, fourth) == "on_hold", "the enabled flow held the fourth order");
        // The third order ran only the marker: the disabled default decided nothing for it.
        Assert.Equal("created", await FlowTestHost.StatusOf(_admin, third));
        Assert.Equal(["editing-marker"], (await FlowTestHost.RunsOf(_admin, third)).Select(r => r!["flow"].Str()));
    }
}

public sealed class FlowEditingOnSqlite(FlowSqliteServer server) : FlowEditingTests(server), IClassFixture<FlowSqliteServer>;

public sealed class FlowEditingOnPostgres(FlowPostgresServer server) : FlowEditingTests(server), IClassFixture<FlowPostgresServer>;
