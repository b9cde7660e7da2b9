using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Automation;

/// <summary>The flow runner through the API: the shipped default flow on captured orders, runs and steps, failures, retries, dry runs.</summary>
public abstract class FlowRunnerTests(WaybillServer server)
{
    private const string DefaultFlow = "order-created-fraud-check";
    private readonly HttpClient _admin = server.Client();

    private async Task<JsonObject> OnlyRun(string orderId, string status)
    {
        JsonArray runs = [];
        await FlowTestHost.Eventually(async () =>
        {
            runs = await FlowTestHost.RunsOf(_admin, orderId);
            return runs.Count > 0 && runs.All(r => r!["status"].Str() == status);
        }, $"the runs of {orderId} are {status}");
        return await (await _admin.GetAsync($"/api/v1/flow-runs/{runs.Single(r => r!["flow"].Str() == DefaultFlow || runs.Count == 1)!["id"].Str()}"))
            .Expect(HttpStatusCode.OK);
    }

    private async Task<JsonObject> RunOf(string orderId, string flow, params string[] statuses)
    {
        JsonNode? run = null;
        await FlowTestHost.Eventually(async () =>
        {
            run = (await FlowTestHost.RunsOf(_admin, orderId)).FirstOrDefault(r => r!["flow"].Str() == flow);
            return run is not null && statuses.Contains(run["status"].Str());
        }, $"the {flow} run of {orderId} is {string.Join(" or ", statuses)}");
        return await (await _admin.GetAsync($"/api/v1/flow-runs/{run!["id"].Str()}")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_default_flow_approves_a_normal_order_and_its_run_shows_the_steps()
    {
        var order = await FlowTestHost.Capture(_admin, FlowTestHost.Order("OK-"));
        var id = order["id"].Str();
        await FlowTestHost.Eventually(async () => await FlowTestHost.WasApproved(_admin, id), "the order is approved");

        var run = await RunOf(id, DefaultFlow, "completed");
        Assert.Equal("order.created", run["eventType"].Str());
        var steps = run["steps"]!.AsArray();
        Assert.Equal(["fraud", "approve", "hold", "fraud_exception"], steps.Select(s => s!["id"].Str()));
        Assert.Equal(["completed", "completed", "skipped", "skipped"], steps.Select(s => s!["status"].Str()));
        Assert.Equal(id, steps[0]!["input"]!["orderId"].Str());
        Assert.Equal(10000m, steps[0]!["input"]!["maxGrandTotal"].Dec());
        Assert.Equal("approve", steps[0]!["output"]!["decision"].Str());
        Assert.Equal("approved", steps[1]!["output"]!["status"].Str());
        Assert.All(steps, s => Assert.NotNull(s!["startedAt"]));

        // The history names the flow as the actor.
        var history = (await (await _admin.GetAsync($"/api/v1/orders/{id}/history")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(history, h => h!["actor"]?.GetValue<string>() == $"flow:{DefaultFlow}");
    }

    [Fact]
    public async Task The_default_flow_holds_a_large_order_with_a_fraud_process_exception()
    {
        var id = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("BIG-", unitPrice: 12000m)))["id"].Str();
        await FlowTestHost.Eventually(async () => await FlowTestHost.StatusOf(_admin, id) == "on_hold", "the order is held");
        var run = await RunOf(id, DefaultFlow, "completed");
        Assert.Equal(["completed", "skipped", "completed", "completed"], run["steps"]!.AsArray().Select(s => s!["status"].Str()));
        Assert.Equal("hold", run["steps"]![0]!["output"]!["decision"].Str());

        var exceptions = (await (await _admin.GetAsync($"/api/v1/process-exceptions?orderId={id}&category=fraud")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        var exception = Assert.Single(exceptions);
        Assert.Equal("high", exception!["severity"].Str());
        Assert.Contains("Held by the fraud check", exception["message"].Str());
    }

    [Fact]
    public async Task The_sixth_order_to_one_address_within_the_window_is_held_whatever_the_case_and_spacing_of_its_line()
    {
        // Six customers (six emails), one address written six ways: the fraud check counts the orders to it by its
        // normalised line, so the first five pass and the sixth (more than five in ten minutes) is held.
        var street = $"{Random.Shared.Next(1, 99999)} Velocity {Guid.NewGuid().ToString("N")[..8]} Road";
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var order = FlowTestHost.Order("ADDR-");
            order["deliveryGroups"]![0]!["shippingAddress"]!["line1"] = i % 2 == 0 ? street.ToUpperInvariant() : "  " + street.Replace(" ", "  ", StringComparison.Ordinal);
            ids.Add((await FlowTestHost.Capture(_admin, order))["id"].Str());
        }

        foreach (var id in ids[..5])
            await FlowTestHost.Eventually(async () => await FlowTestHost.WasApproved(_admin, id), $"order {id} is approved");
        await FlowTestHost.Eventually(async () => await FlowTestHost.StatusOf(_admin, ids[5]) == "on_hold", "the sixth order is held");
        var run = await RunOf(ids[5], DefaultFlow, "completed");
        var reasons = run["steps"]![0]!["output"]!["reasons"]!.ToJsonString();
        Assert.Contains("6", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_flow_files_are_400_invalid_flow_with_their_lines_and_nothing_is_stored()
    {
        var notYaml = await FlowTestHost.PutFlow(_admin, "broken", "name: broken\ntrigger: order.created\nsteps: [\n  - id: a\n", HttpStatusCode.BadRequest);
        Assert.Equal("invalid_flow", notYaml["code"].Str());
        Assert.NotEmpty(notYaml["lines"]!.AsArray());

        var unknownAction = await FlowTestHost.PutFlow(_admin, "unknown-action", """
            name: unknown-action
            trigger: order.created
            steps:
              - id: ship
                action: teleport
                input: { orderId: "=event.data.id" }
            """, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_flow", unknownAction["code"].Str());
        var line = Assert.Single(unknownAction["lines"]!.AsArray());
        Assert.Equal(5, line!["line"]!.GetValue<int>());
        Assert.Contains("teleport", line["message"].Str());

        var badCondition = await FlowTestHost.PutFlow(_admin, "bad-condition", """
            name: bad-condition
            trigger: order.created
            condition: "event.data.totals.grandTotalAmount >"
            steps:
              - id: approve
                action: approve
                input: { orderId: "=event.data.id" }
                when: "steps.x.output ==="
            """, HttpStatusCode.BadRequest);
        var lines = badCondition["lines"]!.AsArray().Select(l => l!["line"]!.GetValue<int>()).ToList();
        Assert.Equal([3, 8], lines);

        var other = await FlowTestHost.PutFlow(_admin, "the-path-name", "name: another-name\ntrigger: order.created\nsteps:\n  - id: a\n    action: approve\n", HttpStatusCode.BadRequest);
        Assert.Equal("invalid_flow", other["code"].Str());

        var list = (await (await _admin.GetAsync("/api/v1/flows")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.DoesNotContain(list, f => f!["name"].Str() is "broken" or "unknown-action" or "bad-condition" or "the-path-name");
        Assert.Contains(list, f => f!["name"].Str() == DefaultFlow && f["source"].Str() == "default" && f["enabled"]!.GetValue<bool>());
        var agent = await server.ClientWithRole("agent");
        using var content = new StringContent("name: x", System.Text.Encoding.UTF8, "application/yaml");
        await (await agent.PutAsync("/api/v1/flows/x", content)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_condition_that_loops_forever_is_stopped_and_fails_its_run_with_a_process_exception()
    {
        await FlowTestHost.PutFlow(_admin, "loop", """
            name: loop
            trigger: order.created
            condition: "event.data.externalReference.startsWith('LOOP-') && (() => { while (true) {} })()"
            steps:
              - id: approve
                action: approve
                input: { orderId: "=event.data.id" }
            """, HttpStatusCode.Created);
        var id = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("LOOP-")))["id"].Str();
        var run = await RunOf(id, "loop", "failed");
        Assert.Contains("condition", run["error"].Str());
        var exceptions = (await (await _admin.GetAsync($"/api/v1/process-exceptions?orderId={id}&category=flow")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(exceptions, e => e!["message"].Str().Contains("loop"));
        // The server stays healthy, and the default flow still did its work.
        await FlowTestHost.Eventually(async () => await FlowTestHost.WasApproved(_admin, id), "the default flow approved the order");
        (await _admin.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task An_action_with_a_missing_input_fails_the_step_naming_the_field()
    {
        await FlowTestHost.PutFlow(_admin, "hold-without-reason", """
            name: hold-without-reason
            trigger: order.created
            priority: 200
            condition: "event.data.externalReference.startsWith('MISS-')"
            steps:
              - id: hold
                action: hold
                input: { orderId: "=event.data.id" }
            """, HttpStatusCode.Created);
        var id = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("MISS-")))["id"].Str();
        var run = await RunOf(id, "hold-without-reason", "failed");
        var step = Assert.Single(run["steps"]!.AsArray());
        Assert.Equal("failed", step!["status"].Str());
        Assert.Contains("input.reason", step["error"].Str());
        var exceptions = (await (await _admin.GetAsync($"/api/v1/process-exceptions?orderId={id}&category=flow")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(exceptions, e => e!["message"].Str().Contains("input.reason"));
    }

    [Fact]
    public async Task A_flow_holds_raises_releases_and_resolves_through_the_same_operations_as_the_api()
    {
        await FlowTestHost.PutFlow(_admin, "hold-then-release", """
            name: hold-then-release
            trigger: order.created
            priority: 200
            condition: "event.data.externalReference.startsWith('REL-')"
            steps:
              - id: hold
                action: hold
                input: { orderId: "=event.data.id", reason: Address check }
              - id: exception
                action: raise_process_exception
                input: { orderId: "=event.data.id", category: order_approval, severity: low, message: Address to check }
              - id: release
                action: release_hold
                input: { orderId: "=event.data.id", reason: Address fine }
              - id: resolve
                action: resolve_process_exception
                input: { id: "=steps.exception.output.id", note: Checked by the flow }
            """, HttpStatusCode.Created);
        var id = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("REL-")))["id"].Str();
        var run = await RunOf(id, "hold-then-release", "completed");
        Assert.Equal(["completed", "completed", "completed", "completed"], run["steps"]!.AsArray().Select(s => s!["status"].Str()));

        // The order went on hold and came back, each change in its history by the flow.
        var history = (await (await _admin.GetAsync($"/api/v1/orders/{id}/history")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(history, h => h!["action"].Str() == "hold" && h["actor"].Str() == "flow:hold-then-release" && h["reason"].Str() == "Address check");
        Assert.Contains(history, h => h!["action"].Str() == "release-hold" && h["actor"].Str() == "flow:hold-then-release");
        var order = await (await _admin.GetAsync($"/api/v1/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.NotEqual("on_hold", order["status"].Str());
        Assert.Equal(0, order["activeProcessExceptionCount"]!.GetValue<int>());

        var exceptionId = run["steps"]![1]!["output"]!["id"].Str();
        var exception = await (await _admin.GetAsync($"/api/v1/process-exceptions/{exceptionId}")).Expect(HttpStatusCode.OK);
        Assert.Equal("resolved", exception["status"].Str());
        Assert.Equal(id, exception["orderId"].Str());
    }

    [Fact]
    public async Task A_step_failing_for_now_is_retried_and_succeeds()
    {
        await FlowTestHost.PutFlow(_admin, "flaky", """
            name: flaky
            trigger: order.created
            priority: 300
            condition: "event.data.externalReference.startsWith('FLAKY-')"
            steps:
              - id: label
                action: test_flaky
                input: { key: "=event.data.externalReference", failures: 2 }
            """, HttpStatusCode.Created);
        var order = await FlowTestHost.Capture(_admin, FlowTestHost.Order("FLAKY-"));
        var run = await RunOf(order["id"].Str(), "flaky", "completed");
        var step = Assert.Single(run["steps"]!.AsArray());
        Assert.Equal(3, step!["output"]!["calls"]!.GetValue<int>());
        Assert.Equal(3, FlowProbe.CallsOf("flaky:" + order["externalReference"].Str()));
    }

    [Fact]
    public async Task A_step_failing_for_good_raises_a_process_exception_whose_retry_reruns_it()
    {
        await FlowTestHost.PutFlow(_admin, "printer", """
            name: printer
            trigger: order.created
            priority: 300
            condition: "event.data.externalReference.startsWith('FAIL-')"
            steps:
              - id: before
                action: test_count
                input: { key: "=event.data.externalReference" }
              - id: print
                action: test_fail
                input: { key: "=event.data.externalReference" }
              - id: after
                action: test_count
                input: { key: "='after-' + event.data.externalReference" }
            """, HttpStatusCode.Created);
        var draft = FlowTestHost.Order("FAIL-");
        var key = draft["externalReference"].Str();
        FlowProbe.Failing[key] = true;
        var id = (await FlowTestHost.Capture(_admin, draft))["id"].Str();
        var failed = await RunOf(id, "printer", "failed");
        Assert.Contains("out of paper", failed["error"].Str());
        Assert.Equal(["completed", "failed"], failed["steps"]!.AsArray().Select(s => s!["status"].Str()));
        var exception = (await (await _admin.GetAsync($"/api/v1/process-exceptions?orderId={id}&category=flow")).Expect(HttpStatusCode.OK))["items"]!
            .AsArray().Single(e => e!["message"].Str().Contains("printer"))!;

        FlowProbe.Failing.TryRemove(key, out _);
        var retried = await (await _admin.PostJson($"/api/v1/process-exceptions/{exception["id"].Str()}/retry", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("resolved", retried["status"].Str());

        var run = await RunOf(id, "printer", "completed");
        var steps = run["steps"]!.AsArray();
        Assert.Equal([("before", 0, "completed"), ("print", 0, "failed"), ("print", 1, "completed"), ("after", 1, "completed")],
            steps.Select(s => (s!["id"].Str(), s["attempt"]!.GetValue<int>(), s["status"].Str())));
        // The step before the failure was not done again.
        Assert.Equal(1, FlowProbe.CallsOf("count:" + key));
        Assert.Equal(1, FlowProbe.CallsOf("count:after-" + key));
    }

    [Fact]
    public async Task A_wait_step_parks_the_run_and_a_job_resumes_it_on_time()
    {
        await FlowTestHost.PutFlow(_admin, "cool-off", """
            name: cool-off
            trigger: order.created
            priority: 300
            condition: "event.data.externalReference.startsWith('WAIT-')"
            steps:
              - id: pause
                action: wait
                input: { seconds: 2 }
              - id: recheck
                action: set_status
                input: { orderId: "=event.data.id", status: on_hold, reason: Cooling-off check }
            """, HttpStatusCode.Created);
        var id = (await FlowTestHost.Capture(_admin, FlowTestHost.Order("WAIT-")))["id"].Str();
        var waiting = await RunOf(id, "cool-off", "waiting");
        Assert.NotNull(waiting["waitUntil"]);
        Assert.Equal("completed", Assert.Single(waiting["steps"]!.AsArray())!["status"].Str());
        var run = await RunOf(id, "cool-off", "completed");
        Assert.Equal("on_hold", run["steps"]![1]!["output"]!["status"].Str());
        Assert.Equal("on_hold", await FlowTestHost.StatusOf(_admin, id));
    }

    [Fact]
    public async Task A_dry_run_shows_the_evaluated_inputs_and_changes_nothing()
    {
        var orderId = "dry-" + Guid.NewGuid().ToString("N")[..8];
        var body = new JsonObject
        {
            ["event"] = new JsonObject
            {
                ["type"] = "order.created", ["subject"] = orderId,
                ["data"] = new JsonObject { ["id"] = orderId, ["totals"] = new JsonObject { ["grandTotalAmount"] = 50 } },
            },
        };
        var result = await (await _admin.PostJson($"/api/v1/flows/{DefaultFlow}/dry-run", body)).Expect(HttpStatusCode.OK);
        Assert.True(result["matched"]!.GetValue<bool>());
        var steps = result["steps"]!.AsArray();
        Assert.Equal(["fraud", "approve", "hold", "fraud_exception"], steps.Select(s => s!["id"].Str()));
        Assert.Equal("fraud_check", steps[0]!["action"].Str());
        Assert.Equal(orderId, steps[0]!["input"]!["orderId"].Str());
        Assert.Equal(5, steps[0]!["input"]!["maxOrdersPerEmail"]!.GetValue<int>());
        Assert.Empty(steps[0]!["unresolved"]!.AsArray());
        // The later steps read the fraud check's output, which a dry run does not have.
        Assert.Equal(orderId, steps[2]!["input"]!["orderId"].Str());
        Assert.Contains(steps[2]!["unresolved"]!.AsArray(), u => u!.GetValue<string>().StartsWith("when"));
        Assert.Contains(steps[2]!["unresolved"]!.AsArray(), u => u!.GetValue<string>().StartsWith("input.reason"));

        var other = await (await _admin.PostJson($"/api/v1/flows/{DefaultFlow}/dry-run",
            new JsonObject { ["event"] = new JsonObject { ["type"] = "shipment.created", ["data"] = new JsonObject() } })).Expect(HttpStatusCode.OK);
        Assert.False(other["matched"]!.GetValue<bool>());
        Assert.Empty(other["steps"]!.AsArray());

        Assert.Empty(await FlowTestHost.RunsOf(_admin, orderId));
        await (await _admin.PostJson("/api/v1/flows/no-such-flow/dry-run", body)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.PostJson($"/api/v1/flows/{DefaultFlow}/dry-run", new JsonObject())).ExpectFieldError("event");
    }
}

public sealed class FlowRunnerOnSqlite(FlowSqliteServer server) : FlowRunnerTests(server), IClassFixture<FlowSqliteServer>;

public sealed class FlowRunnerOnPostgres(FlowPostgresServer server) : FlowRunnerTests(server), IClassFixture<FlowPostgresServer>;
