using System.Net;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Automation;

/// <summary>
/// Crash safety: the host dies while a step runs; a new host on the same database finishes the run exactly once — the
/// steps before are not done again, the interrupted one and those after are done once.
/// </summary>
public abstract class FlowCrashTests
{
    protected abstract WaybillServer NewServer();

    [Fact]
    public async Task A_run_interrupted_between_steps_completes_exactly_once_on_the_next_host()
    {
        var first = NewServer();
        await first.InitializeAsync();
        var firstDisposed = false;
        try
        {
            var admin = first.Client();
            await FlowTestHost.PutFlow(admin, "slow-label", """
                name: slow-label
                trigger: order.created
                priority: 50
                condition: "event.data.externalReference.startsWith('CRASH-')"
                steps:
                  - id: before
                    action: test_count
                    input: { key: "=event.data.externalReference" }
                  - id: label
                    action: test_block
                    input: { key: "=event.data.externalReference" }
                  - id: after
                    action: test_count
                    input: { key: "='after-' + event.data.externalReference" }
                """, HttpStatusCode.Created);
            var draft = FlowTestHost.Order("CRASH-");
            var key = draft["externalReference"].Str();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            FlowProbe.Gates[key] = gate;
            var entered = FlowProbe.Entered.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var id = (await FlowTestHost.Capture(admin, draft))["id"].Str();
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

            // The host dies in the middle of the blocking step.
            await first.DisposeHostOnlyAsync();
            firstDisposed = true;
            gate.TrySetResult();

            await using var next = FlowTestHost.NextHost(first.Database);
            var again = next.CreateClient();
            again.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WaybillServer.AdminKey);
            System.Text.Json.Nodes.JsonObject? run = null;
            await FlowTestHost.Eventually(async () =>
            {
                var runs = await FlowTestHost.RunsOf(again, id);
                var found = runs.FirstOrDefault(r => r!["flow"].Str() == "slow-label");
                if (found is null || found["status"].Str() != "completed") return false;
                run = await (await again.GetAsync($"/api/v1/flow-runs/{found["id"].Str()}")).Expect(HttpStatusCode.OK);
                return true;
            }, "the interrupted run completed on the next host", seconds: 40);

            var steps = run!["steps"]!.AsArray();
            Assert.Equal(["before", "label", "after"], steps.Select(s => s!["id"].Str()));
            Assert.All(steps, s => Assert.Equal("completed", s!["status"].Str()));
            Assert.Equal(1, FlowProbe.CallsOf("count:" + key));
            Assert.Equal(1, FlowProbe.CallsOf("count:after-" + key));
            // The order was approved by the default flow exactly once, after the interrupted run (in order per order).
            await FlowTestHost.Eventually(async () => await FlowTestHost.WasApproved(again, id), "the default flow approved the order");
            var history = (await (await again.GetAsync($"/api/v1/orders/{id}/history")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
            Assert.Single(history, h => h!["action"]?.GetValue<string>() == "approve");
        }
        finally
        {
            if (!firstDisposed) await first.DisposeHostOnlyAsync();
            await first.DisposeAsync();
        }
    }
}

public sealed class FlowCrashOnSqlite : FlowCrashTests
{
    protected override WaybillServer NewServer() => new FlowSqliteServer();
}

public sealed class FlowCrashOnPostgres : FlowCrashTests
{
    protected override WaybillServer NewServer() => new FlowPostgresServer();
}
