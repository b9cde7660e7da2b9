using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Platform;

namespace Waybill.Server.Tests.Automation;

/// <summary>
/// What the test actions saw, shared by every host of the test process (a crashed host and its successor): keyed by
/// the test's own key (an order's externalReference), so test classes running side by side never meet.
/// </summary>
public static class FlowProbe
{
    public static readonly ConcurrentDictionary<string, int> Calls = new();
    /// <summary>Keys whose <c>test_block</c> step waits until the source is completed.</summary>
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new();
    /// <summary>Keys for which <c>test_fail</c> fails.</summary>
    public static readonly ConcurrentDictionary<string, bool> Failing = new();

    public static int CallsOf(string key) => Calls.GetValueOrDefault(key);

    internal static int Count(string key) => Calls.AddOrUpdate(key, 1, (_, n) => n + 1);
}

/// <summary><c>test_count</c> <c>{ key }</c>: counts its calls; output <c>{ calls }</c>.</summary>
public sealed class CountingFlowAction : IFlowAction
{
    public string Name => "test_count";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(new JsonObject { ["calls"] = FlowProbe.Count("count:" + input["key"]!.GetValue<string>()) });
}

/// <summary><c>test_block</c> <c>{ key }</c>: waits while the key has an open gate (a step that takes long; a host dies meanwhile).</summary>
public sealed class BlockingFlowAction : IFlowAction
{
    public string Name => "test_block";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var key = input["key"]!.GetValue<string>();
        FlowProbe.Count("block:" + key);
        FlowProbe.Entered.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (FlowProbe.Gates.TryGetValue(key, out var gate)) await gate.Task.WaitAsync(cancellationToken);
        return new JsonObject { ["released"] = true };
    }
}

/// <summary><c>test_flaky</c> <c>{ key, failures }</c>: fails for now (transient) on its first <c>failures</c> calls.</summary>
public sealed class FlakyFlowAction : IFlowAction
{
    public string Name => "test_flaky";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var calls = FlowProbe.Count("flaky:" + input["key"]!.GetValue<string>());
        if (calls <= int.Parse(input["failures"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)) throw new FlowTransientException($"the carrier timed out (call {calls})");
        return Task.FromResult<JsonNode?>(new JsonObject { ["calls"] = calls });
    }
}

/// <summary><c>test_fail</c> <c>{ key }</c>: fails for good while the key is in <see cref="FlowProbe.Failing"/>.</summary>
public sealed class FailingFlowAction : IFlowAction
{
    public string Name => "test_fail";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var key = input["key"]!.GetValue<string>();
        var calls = FlowProbe.Count("fail:" + key);
        if (FlowProbe.Failing.ContainsKey(key)) throw new InvalidOperationException("the label printer is out of paper");
        return Task.FromResult<JsonNode?>(new JsonObject { ["calls"] = calls });
    }
}

/// <summary>Flows switched on, fast jobs and dispatch, short leases (a dead host's work is taken over within seconds), the test actions.</summary>
public static class FlowTestHost
{
    public static void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Flows:Enabled", "true");
        web.UseSetting("Flows:OrderWaitInterval", "00:00:00.200");
        web.UseSetting("Jobs:PollInterval", "00:00:00.100");
        web.UseSetting("Jobs:RetryBaseDelay", "00:00:00.200");
        web.UseSetting("Jobs:RetryMaxDelay", "00:00:00.400");
        web.UseSetting("Jobs:MaxAttempts", "3");
        web.UseSetting("Jobs:Lease", "00:00:03");
        web.UseSetting("Dispatch:PollInterval", "00:00:00.100");
        web.UseSetting("Dispatch:RetryBaseDelay", "00:00:00.100");
        web.UseSetting("Dispatch:RetryMaxDelay", "00:00:00.300");
        web.UseSetting("Dispatch:Lease", "00:00:02");
        web.ConfigureServices(services =>
        {
            services.AddFlowAction<CountingFlowAction>();
            services.AddFlowAction<BlockingFlowAction>();
            services.AddFlowAction<FlakyFlowAction>();
            services.AddFlowAction<FailingFlowAction>();
        });
    }

    /// <summary>Another host on the same database (the node that starts after a crash).</summary>
    public static WebApplicationFactory<Program> NextHost(string database) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("database", database);
            web.UseSetting("WAYBILL_BOOTSTRAP_API_KEY", WaybillServer.AdminKey);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            Configure(web);
        });

    /// <summary>A web order of its own: a fresh email and shipping line, so the fraud check's velocity rules never see the other tests' orders.</summary>
    public static JsonObject Order(string prefix, decimal? unitPrice = null)
    {
        var reference = prefix + Guid.NewGuid().ToString("N")[..10];
        var order = Api.WebOrder(reference);
        order["customer"]!["email"] = $"{reference.ToLowerInvariant()}@example.com";
        order["customer"]!.AsObject().Remove("externalId");
        order["deliveryGroups"]![0]!["shippingAddress"]!["line1"] = $"{Random.Shared.Next(1, 99999)} {reference} St";
        if (unitPrice is { } price)
        {
            var line = order["deliveryGroups"]![0]!["lines"]![0]!;
            line["quantity"] = 1;
            line["unitPrice"] = price;
            line["adjustments"] = new JsonArray();
            line["taxes"] = new JsonArray();
            order["orderAdjustments"] = new JsonArray();
            order["payments"] = new JsonArray();
        }
        return order;
    }

    public static async Task<JsonObject> Capture(HttpClient client, JsonObject order) =>
        await (await client.PostJson("/api/v1/orders", order)).Expect(HttpStatusCode.Created);

    public static Task Eventually(Func<Task<bool>> condition, string what, int seconds = 20) => WorkTestHost.Eventually(condition, what, seconds);

    public static async Task<string> StatusOf(HttpClient client, string orderId) =>
        (await (await client.GetAsync($"/api/v1/orders/{orderId}")).Expect(HttpStatusCode.OK))["status"].Str();

    /// <summary>
    /// Whether the order was approved: its <c>order.approved</c> event, not its status — the default routing flow moves an
    /// approved order on (waiting to fulfill, backordered) as soon as it is approved.
    /// </summary>
    public static async Task<bool> WasApproved(HttpClient client, string orderId) =>
        (await (await client.GetAsync($"/api/v1/events?types=order.approved&subject={orderId}")).Expect(HttpStatusCode.OK))["items"]!.AsArray().Count > 0;

    public static async Task<JsonArray> RunsOf(HttpClient client, string orderId) =>
        (await (await client.GetAsync($"/api/v1/flow-runs?orderId={orderId}")).Expect(HttpStatusCode.OK))["items"]!.AsArray();

    public static async Task<JsonObject> PutFlow(HttpClient client, string name, string yaml, HttpStatusCode expected)
    {
        using var content = new StringContent(yaml, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/yaml");
        return await (await client.PutAsync($"/api/v1/flows/{name}", content)).Expect(expected);
    }
}

public class FlowSqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => FlowTestHost.Configure(web);
}

public class FlowPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => FlowTestHost.Configure(web);
}
