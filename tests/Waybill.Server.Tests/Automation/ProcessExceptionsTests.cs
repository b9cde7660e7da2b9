using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Domain.Automation;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Automation;

public abstract class ProcessExceptionsTests(WaybillServer server)
{
    private const string Base = "/api/v1/process-exceptions";
    private readonly HttpClient _admin = server.Client();

    private async Task<string> NewOrder() =>
        (await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created))["id"].Str();

    private async Task<JsonObject> Raise(string? orderId = null, string category = "payment", string severity = "high", HttpClient? client = null) =>
        await (await (client ?? _admin).PostJson(Base, new JsonObject
        {
            ["orderId"] = orderId, ["category"] = category, ["severity"] = severity, ["message"] = "Capture failed: card declined",
        })).Expect(HttpStatusCode.Created);

    /// <summary>Raised through the public service, as the flow engine will: in the caller's unit of work.</summary>
    private async Task<string> RaiseThroughService(string? orderId, string? retryReference)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var exceptions = scope.ServiceProvider.GetRequiredService<ProcessExceptions>();
        var raised = exceptions.Raise(new NewProcessException(orderId, ProcessExceptionCategory.Flow, ProcessExceptionSeverity.Medium,
            "Step 'capture' failed", RetryReference: retryReference), "flow:test");
        await scope.ServiceProvider.GetRequiredService<RequestCommit>().SaveAsync(200, new { }, null, CancellationToken.None);
        return raised.Id;
    }

    private Task<HttpResponseMessage> Act(string id, string action, string? note = null, HttpClient? client = null) =>
        (client ?? _admin).PostJson($"{Base}/{id}/{action}", note is null ? null : new JsonObject { ["note"] = note });

    private async Task<int> ActiveCount(string orderId) =>
        (await (await _admin.GetAsync($"/api/v1/orders/{orderId}")).Expect(HttpStatusCode.OK))["activeProcessExceptionCount"]!.GetValue<int>();

    [Fact]
    public async Task Raising_answers_201_with_every_field_and_writes_the_created_event_with_the_order_as_subject()
    {
        var order = await NewOrder();
        var raised = await Raise(order);
        foreach (var field in new[] { "id", "orderId", "category", "severity", "priority", "status", "message", "notes", "createdAt" })
            Assert.True(raised.ContainsKey(field), field);
        Assert.Equal(("new", "payment", "high", 1), (raised["status"].Str(), raised["category"].Str(), raised["severity"].Str(), raised["priority"]!.GetValue<int>()));
        var id = raised["id"].Str();

        var events = await _admin.AllEvents($"&subject={order}&types=process_exception.created", atLeast: 1);
        Assert.Equal(id, Assert.Single(events)["data"]!["id"].Str());

        var loose = await Raise(category: "webhook", severity: "low");
        Assert.Null(loose["orderId"]);
        var looseEvents = await _admin.AllEvents($"&subject={loose["id"].Str()}", atLeast: 1);
        Assert.Equal("process_exception.created", Assert.Single(looseEvents)["type"].Str());
    }

    [Theory]
    [InlineData("new", "triage", "triaged")]
    [InlineData("new", "pause", "paused")]
    [InlineData("new", "resolve", "resolved")]
    [InlineData("new", "ignore", "ignored")]
    [InlineData("new", "void", "voided")]
    [InlineData("triaged", "pause", "paused")]
    [InlineData("triaged", "resolve", "resolved")]
    [InlineData("triaged", "ignore", "ignored")]
    [InlineData("triaged", "void", "voided")]
    [InlineData("paused", "triage", "triaged")]
    [InlineData("paused", "resolve", "resolved")]
    [InlineData("paused", "ignore", "ignored")]
    [InlineData("paused", "void", "voided")]
    public async Task Allowed_transitions_answer_200_with_the_new_status_and_keep_the_note(string from, string action, string to)
    {
        var id = await Reach(from);
        var after = await (await Act(id, action, $"{action} note")).Expect(HttpStatusCode.OK);
        Assert.Equal(to, after["status"].Str());
        var note = after["notes"]!.AsArray()[^1]!;
        Assert.Equal((action, $"{action} note"), (note["action"].Str(), note["text"].Str()));
        Assert.Equal(to, (await (await _admin.GetAsync($"{Base}/{id}")).Expect(HttpStatusCode.OK))["status"].Str());
    }

    [Theory]
    [InlineData("new", "retry")]
    [InlineData("triaged", "triage")]
    [InlineData("paused", "pause")]
    [InlineData("resolved", "triage")]
    [InlineData("resolved", "resolve")]
    [InlineData("ignored", "pause")]
    [InlineData("ignored", "void")]
    [InlineData("voided", "resolve")]
    [InlineData("voided", "retry")]
    public async Task Refused_transitions_answer_409_and_change_nothing(string from, string action)
    {
        var id = await Reach(from);
        var before = await (await _admin.GetAsync($"{Base}/{id}")).Expect(HttpStatusCode.OK);
        var response = await Act(id, action, "nope");
        // A retry of an open exception without a step to rerun says so with its own code.
        var code = action == "retry" && from == "new" ? "nothing_to_retry" : "invalid_transition";
        var problem = await response.ExpectProblem(HttpStatusCode.Conflict, code);
        if (code == "invalid_transition") Assert.Contains(from, problem["detail"].Str());
        var after = await (await _admin.GetAsync($"{Base}/{id}")).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(before, after));
    }

    private async Task<string> Reach(string status)
    {
        var id = (await Raise())["id"].Str();
        var path = status switch
        {
            "triaged" => ["triage"],
            "paused" => ["pause"],
            "resolved" => ["resolve"],
            "ignored" => ["ignore"],
            "voided" => ["void"],
            _ => Array.Empty<string>(),
        };
        foreach (var action in path) await (await Act(id, action)).Expect(HttpStatusCode.OK);
        return id;
    }

    [Fact]
    public async Task The_order_count_goes_up_with_raises_and_down_as_exceptions_close()
    {
        var order = await NewOrder();
        Assert.Equal(0, await ActiveCount(order));
        var a = (await Raise(order))["id"].Str();
        var b = (await Raise(order, "fraud"))["id"].Str();
        var c = await RaiseThroughService(order, null);
        await Raise(); // another order's business, or none
        Assert.Equal(3, await ActiveCount(order));

        await (await Act(a, "triage")).Expect(HttpStatusCode.OK);
        await (await Act(b, "pause")).Expect(HttpStatusCode.OK);
        Assert.Equal(3, await ActiveCount(order));
        await (await Act(a, "resolve")).Expect(HttpStatusCode.OK);
        Assert.Equal(2, await ActiveCount(order));
        await (await Act(b, "ignore")).Expect(HttpStatusCode.OK);
        await (await Act(c, "void")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, await ActiveCount(order));

        // The list and order actions carry the same count.
        await Raise(order);
        var listed = (await (await _admin.GetAsync("/api/v1/orders?limit=500")).Expect(HttpStatusCode.OK))["items"]!.AsArray().Single(o => o!["id"].Str() == order)!;
        Assert.Equal(1, listed["activeProcessExceptionCount"]!.GetValue<int>());
        var approved = await (await _admin.PostJson($"/api/v1/orders/{order}/approve", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(1, approved["activeProcessExceptionCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Resolving_writes_the_resolved_event_and_every_change_is_in_the_history()
    {
        var order = await NewOrder();
        var id = (await Raise(order))["id"].Str();
        await (await Act(id, "triage", "looking")).Expect(HttpStatusCode.OK);
        await (await Act(id, "resolve", "card replaced")).Expect(HttpStatusCode.OK);

        var events = await _admin.AllEvents($"&subject={order}&types=process_exception.created,process_exception.resolved", atLeast: 2);
        Assert.Equal(["process_exception.created", "process_exception.resolved"], events.Select(e => e["type"].Str()));
        Assert.Equal("resolved", events[1]["data"]!["status"].Str());

        var history = (await (await _admin.GetAsync($"{Base}/{id}/history")).Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(["raise", "triage", "resolve"], history.Select(h => h!["action"].Str()));
        Assert.Equal(("triaged", "resolved", "card replaced"), (history[2]!["fromStatus"].Str(), history[2]!["toStatus"].Str(), history[2]!["reason"].Str()));
    }

    [Fact]
    public async Task Filters_narrow_the_list_and_paging_visits_each_exception_once()
    {
        var order = await NewOrder();
        var fraud = (await Raise(order, "fraud", "high"))["id"].Str();
        var routing = (await Raise(order, "routing", "low"))["id"].Str();
        var approval = (await Raise(order, "order_approval", "medium"))["id"].Str();
        await (await Act(routing, "triage")).Expect(HttpStatusCode.OK);

        async Task<List<string>> Ids(string query) =>
            [.. (await (await _admin.GetAsync($"{Base}?limit=500&{query}")).Expect(HttpStatusCode.OK))["items"]!.AsArray().Select(e => e!["id"].Str())];

        Assert.Equal([approval, routing, fraud], await Ids($"orderId={order}"));
        Assert.Equal([fraud], await Ids($"orderId={order}&category=fraud"));
        Assert.Equal([approval], await Ids($"orderId={order}&severity=medium"));
        Assert.Equal([routing], await Ids($"orderId={order}&status=triaged"));
        Assert.Empty(await Ids($"orderId={order}&status=triaged&category=fraud"));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await _admin.GetAsync($"{Base}?orderId={order}&limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)))).Expect(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(e => e!["id"].Str()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal([approval, routing, fraud], seen);
    }

    [Theory]
    [InlineData("category=bogus", "category")]
    [InlineData("severity=urgent", "severity")]
    [InlineData("status=open", "status")]
    [InlineData("limit=0", "limit")]
    public async Task Unknown_filter_values_are_400_naming_the_field(string query, string field) =>
        await (await _admin.GetAsync($"{Base}?{query}")).ExpectFieldError(field);

    [Theory]
    [InlineData("""{ "category": "bogus", "severity": "high", "message": "m" }""", "category")]
    [InlineData("""{ "category": "fraud", "severity": "urgent", "message": "m" }""", "severity")]
    [InlineData("""{ "severity": "high", "message": "m" }""", "category")]
    [InlineData("""{ "category": "fraud", "severity": "high" }""", "message")]
    [InlineData("""{ "category": "fraud", "severity": "high", "message": "   " }""", "message")]
    [InlineData("""{ "category": "fraud", "severity": "high", "message": "m", "priority": 0 }""", "priority")]
    [InlineData("""{ "category": "fraud", "severity": "high", "message": "m", "orderId": "no-such-order" }""", "orderId")]
    public async Task Bad_input_is_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var before = (await (await _admin.GetAsync($"{Base}?limit=500")).Expect(HttpStatusCode.OK))["items"]!.AsArray().Count;
        await (await _admin.PostRaw(Base, body)).ExpectFieldError(field);
        Assert.Equal(before, (await (await _admin.GetAsync($"{Base}?limit=500")).Expect(HttpStatusCode.OK))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_note_too_long_is_400_and_an_unknown_exception_is_404()
    {
        var id = (await Raise())["id"].Str();
        await (await Act(id, "triage", new string('n', 2001))).ExpectFieldError("note");
        await (await _admin.GetAsync($"{Base}/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await Act("nope", "triage")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Agents_and_admins_act_viewers_and_finance_read_storefronts_neither()
    {
        var agent = await server.ClientWithRole("agent");
        var viewer = await server.ClientWithRole("viewer");
        var finance = await server.ClientWithRole("finance");
        var storefront = await server.ClientWithRole("storefront");
        var id = (await Raise(client: agent))["id"].Str();
        await (await Act(id, "triage", client: agent)).Expect(HttpStatusCode.OK);

        foreach (var reader in new[] { viewer, finance })
        {
            await (await reader.GetAsync($"{Base}/{id}")).Expect(HttpStatusCode.OK);
            await (await reader.GetAsync(Base)).Expect(HttpStatusCode.OK);
            await (await Act(id, "resolve", client: reader)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            await (await reader.PostJson(Base, new JsonObject { ["category"] = "fraud", ["severity"] = "low", ["message"] = "m" }))
                .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }
        await (await storefront.GetAsync($"{Base}/{id}")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await server.Client(null).GetAsync(Base)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("triaged", (await (await _admin.GetAsync($"{Base}/{id}")).Expect(HttpStatusCode.OK))["status"].Str());
    }

    [Fact]
    public async Task Retry_reruns_the_step_through_the_hook_resolving_on_success()
    {
        var order = await NewOrder();
        var failing = await RaiseThroughService(order, "test:fail");
        var kept = await (await Act(failing, "retry")).Expect(HttpStatusCode.OK);
        Assert.Equal("new", kept["status"].Str());
        Assert.Equal("the gateway still says no", kept["notes"]!.AsArray()[^1]!["text"].Str());

        var succeeding = await RaiseThroughService(order, "test:ok");
        Assert.True((await (await _admin.GetAsync($"{Base}/{succeeding}")).Expect(HttpStatusCode.OK))["retryable"]!.GetValue<bool>());
        var resolved = await (await Act(succeeding, "retry")).Expect(HttpStatusCode.OK);
        Assert.Equal("resolved", resolved["status"].Str());
        var events = await _admin.AllEvents($"&subject={order}&types=process_exception.resolved", atLeast: 1);
        Assert.Equal(succeeding, Assert.Single(events)["data"]!["id"].Str());

        var unknown = await RaiseThroughService(order, "elsewhere:1");
        await (await Act(unknown, "retry")).ExpectProblem(HttpStatusCode.Conflict, "nothing_to_retry");
        Assert.Equal(2, await ActiveCount(order));
    }

    [Fact]
    public async Task A_stale_if_match_is_409_version_conflict()
    {
        var id = (await Raise())["id"].Str();
        await (await _admin.PostJson($"{Base}/{id}/triage", null, ifMatch: "\"1\"")).Expect(HttpStatusCode.OK);
        await (await _admin.PostJson($"{Base}/{id}/pause", null, ifMatch: "\"1\"")).ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
    }
}

/// <summary>The retry hook the flow engine will provide: <c>test:ok</c> succeeds, <c>test:fail</c> fails.</summary>
public sealed class TestRetryHook : IProcessExceptionRetry
{
    public bool Handles(string retryReference) => retryReference.StartsWith("test:", StringComparison.Ordinal);

    public Task<ProcessExceptionRetryOutcome> RetryAsync(ProcessExceptionResponse exception, string retryReference, CancellationToken cancellationToken) =>
        Task.FromResult(retryReference == "test:ok"
            ? new ProcessExceptionRetryOutcome(true, "the step went through")
            : new ProcessExceptionRetryOutcome(false, "the gateway still says no"));
}

public sealed class RetryHookSqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => web.ConfigureServices(s => s.AddSingleton<IProcessExceptionRetry, TestRetryHook>());
}

public sealed class RetryHookPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => web.ConfigureServices(s => s.AddSingleton<IProcessExceptionRetry, TestRetryHook>());
}

public sealed class ProcessExceptionsOnSqlite(RetryHookSqliteServer server) : ProcessExceptionsTests(server), IClassFixture<RetryHookSqliteServer>;

public sealed class ProcessExceptionsOnPostgres(RetryHookPostgresServer server) : ProcessExceptionsTests(server), IClassFixture<RetryHookPostgresServer>;
