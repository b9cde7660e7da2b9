using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Waybill.Domain.Payments.Mock;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Platform;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// The built-in mock gateway called as Waybill calls it (through the registry, over its resilient HttpClient), with the
/// outcome checked on the answer and in the mock's own ledger.
/// </summary>
public abstract class MockGatewayTests(WaybillServer server)
{
    private Task<IReadOnlyList<MockGatewayOperation>> Operations(string reference) => server.LedgerAsync(l => l.OperationsAsync(reference));

    [Fact]
    public void The_registry_finds_the_mock_by_its_exact_name_only()
    {
        using var scope = server.Services.CreateScope();
        var gateways = scope.ServiceProvider.GetRequiredService<PaymentGateways>();
        Assert.Equal("mock", gateways.Find("mock")?.Name);
        Assert.Null(gateways.Find("Mock"));
        Assert.Null(gateways.Find("stripe"));
    }

    [Fact]
    public async Task An_ok_authorization_is_captured_and_the_ledger_shows_the_capture()
    {
        var reference = GatewayTestHost.Reference("auth_ok_");
        var answer = await server.CaptureAsync(reference, 25.50m);

        Assert.Equal(GatewayResult.Success, answer.Result);
        Assert.StartsWith("mock_cap_", answer.GatewayReference);
        Assert.Equal(25.50m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
        var operation = Assert.Single(await Operations(reference));
        Assert.Equal((MockOperationKind.Capture, MockOperationResult.Success, 1, answer.GatewayReference), (operation.Operation, operation.Result, operation.Tries, operation.Reference));
    }

    [Fact]
    public async Task An_unscripted_reference_behaves_like_ok()
    {
        var reference = GatewayTestHost.Reference("pi_");
        Assert.Equal(GatewayResult.Success, (await server.CaptureAsync(reference, 3m)).Result);
        Assert.Equal(3m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    [Fact]
    public async Task A_declining_authorization_declines_every_capture_and_captures_nothing()
    {
        var reference = GatewayTestHost.Reference("auth_decline_");
        var first = await server.CaptureAsync(reference, 10m);
        var second = await server.CaptureAsync(reference, 5m);

        Assert.All(new[] { first, second }, a => Assert.Equal((GatewayResult.Declined, "card_declined"), (a.Result, a.Code)));
        Assert.Null(first.GatewayReference);
        Assert.Equal(0m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    [Fact]
    public async Task An_expired_authorization_fails_with_authorization_expired()
    {
        var reference = GatewayTestHost.Reference("auth_expired_");
        var answer = await server.CaptureAsync(reference, 10m);

        Assert.Equal((GatewayResult.Declined, "authorization_expired"), (answer.Result, answer.Code));
        Assert.Equal(0m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    [Fact]
    public async Task A_flaky_gateway_succeeds_after_the_client_retried_twice_and_captures_once()
    {
        var reference = GatewayTestHost.Reference("auth_flaky_");
        var answer = await server.CaptureAsync(reference, 12m);

        Assert.Equal(GatewayResult.Success, answer.Result);
        var operation = Assert.Single(await Operations(reference));
        Assert.Equal(3, operation.Tries);
        Assert.Equal(12m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    [Fact]
    public async Task A_lost_answer_is_recovered_by_the_retry_with_the_same_key_and_the_capture_happens_once()
    {
        var reference = GatewayTestHost.Reference("auth_timeout_");
        var answer = await server.CaptureAsync(reference, 40m);

        Assert.Equal(GatewayResult.Success, answer.Result);
        var operation = Assert.Single(await Operations(reference));
        Assert.Equal(2, operation.Tries);
        Assert.Equal(operation.Reference, answer.GatewayReference);
        Assert.Equal(40m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    [Fact]
    public async Task The_same_key_twice_gets_the_same_answer_and_captures_once()
    {
        var reference = GatewayTestHost.Reference("auth_ok_");
        var key = GatewayTestHost.NewKey();
        var first = await server.CaptureAsync(reference, 9.99m, key);
        var second = await server.CaptureAsync(reference, 9.99m, key);

        Assert.Equal(first, second);
        Assert.Equal(2, Assert.Single(await Operations(reference)).Tries);
        Assert.Equal(9.99m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    [Fact]
    public async Task A_key_reused_for_another_amount_is_refused_and_changes_nothing()
    {
        var reference = GatewayTestHost.Reference("auth_ok_");
        var key = GatewayTestHost.NewKey();
        await server.CaptureAsync(reference, 10m, key);
        var reused = await server.CaptureAsync(reference, 11m, key);
        var asRefund = await server.RefundAsync(reference, 10m, key);

        Assert.All(new[] { reused, asRefund }, a => Assert.Equal((GatewayResult.Error, "idempotency_key_reused"), (a.Result, a.Code)));
        var operation = Assert.Single(await Operations(reference));
        Assert.Equal((10m, 1), (operation.Amount, operation.Tries));
    }

    [Fact]
    public async Task A_refund_over_what_was_captured_and_not_refunded_is_refused()
    {
        var reference = GatewayTestHost.Reference("auth_ok_");
        await server.CaptureAsync(reference, 30m);
        var first = await server.RefundAsync(reference, 20m);
        var over = await server.RefundAsync(reference, 15m);
        var rest = await server.RefundAsync(reference, 10m);

        Assert.Equal(GatewayResult.Success, first.Result);
        Assert.StartsWith("mock_ref_", first.GatewayReference);
        Assert.Equal((GatewayResult.Declined, "amount_exceeds_captured"), (over.Result, over.Code));
        Assert.Equal(GatewayResult.Success, rest.Result);
        Assert.Equal(30m, await server.LedgerAsync(l => l.RefundedAsync(reference)));
    }

    [Fact]
    public async Task A_payment_the_mock_never_captured_is_refunded_on_trust_one_it_captured_is_checked()
    {
        // Captured at checkout by the channel: the mock never saw it, so it cannot check the amount.
        var checkout = GatewayTestHost.Reference("gc_");
        Assert.Equal(GatewayResult.Success, (await server.RefundAsync(checkout, 5m)).Result);
        var reference = GatewayTestHost.Reference("auth_ok_");
        Assert.Equal(GatewayResult.Success, (await server.CaptureAsync(reference, 3m)).Result);
        var answer = await server.RefundAsync(reference, 4m);
        Assert.Equal((GatewayResult.Declined, "amount_exceeds_captured"), (answer.Result, answer.Code));
    }

    [Fact]
    public async Task A_void_gives_back_the_rest_of_an_authorization()
    {
        var reference = GatewayTestHost.Reference("auth_ok_");
        var answer = await server.CallAsync(MockOperationKind.Void, reference, 15m);

        Assert.Equal(GatewayResult.Success, answer.Result);
        Assert.StartsWith("mock_void_", answer.GatewayReference);
        Assert.Equal(15m, await server.LedgerAsync(l => l.VoidedAsync(reference)));
    }

    [Fact]
    public async Task An_invalid_request_is_an_error_answer_and_records_nothing()
    {
        var reference = GatewayTestHost.Reference("auth_ok_");
        var answer = await server.CallAsync(MockOperationKind.Capture, reference, 5m, currency: "XYZ");

        Assert.Equal((GatewayResult.Error, "invalid_request"), (answer.Result, answer.Code));
        Assert.Empty(await Operations(reference));
    }

    [Fact]
    public async Task An_async_capture_answers_pending_then_delivers_a_signed_result_with_the_same_key()
    {
        var received = server.Services.GetRequiredService<ReceivedNotifications>();
        var reference = GatewayTestHost.Reference("auth_async_");
        var key = GatewayTestHost.NewKey();
        var answer = await server.CaptureAsync(reference, 17m, key);

        Assert.Equal(GatewayResult.Pending, answer.Result);
        Assert.Equal(0m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
        await WorkTestHost.Eventually(() => Task.FromResult(received.Received.Any(r => r.Notification.IdempotencyKey == key)),
            "the capture's result is delivered", seconds: 10);

        var (gateway, notification) = received.Received.Single(r => r.Notification.IdempotencyKey == key);
        Assert.Equal("mock", gateway);
        Assert.Equal((GatewayNotificationKind.CaptureResult, GatewayResult.Success), (notification.Kind, notification.Result));
        Assert.Equal((reference, 17m, "USD", answer.GatewayReference), (notification.PaymentReference, notification.Amount, notification.Currency, notification.GatewayReference));
        Assert.StartsWith("ntf_", notification.NotificationId);
        Assert.Equal(17m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
        // A repeat of the key after the result arrived answers what the mock knows now.
        Assert.Equal(GatewayResult.Success, (await server.CaptureAsync(reference, 17m, key)).Result);
    }

    [Fact]
    public async Task An_async_refund_answers_pending_and_holds_its_amount_against_further_refunds()
    {
        var received = server.Services.GetRequiredService<ReceivedNotifications>();
        var reference = GatewayTestHost.Reference("auth_async_");
        Assert.Equal(GatewayResult.Pending, (await server.CaptureAsync(reference, 20m)).Result);
        // Nothing is captured, so nothing refundable, until the capture's result has arrived.
        Assert.Equal("amount_exceeds_captured", (await server.RefundAsync(reference, 1m)).Code);
        await WorkTestHost.Eventually(async () => await server.LedgerAsync(l => l.CapturedAsync(reference)) == 20m, "the capture settles", seconds: 10);
        var refund = await server.RefundAsync(reference, 15m);
        var over = await server.RefundAsync(reference, 10m);

        Assert.Equal(GatewayResult.Pending, refund.Result);
        Assert.Equal((GatewayResult.Declined, "amount_exceeds_captured"), (over.Result, over.Code));
        await WorkTestHost.Eventually(() => Task.FromResult(received.Received.Any(r =>
            r.Notification.PaymentReference == reference && r.Notification.Kind == GatewayNotificationKind.RefundResult)), "the refund's result is delivered", seconds: 10);
        Assert.Equal(15m, await server.LedgerAsync(l => l.RefundedAsync(reference)));
    }

    [Fact]
    public async Task A_pending_answer_is_delivered_even_when_the_node_that_gave_it_is_gone()
    {
        var received = server.Services.GetRequiredService<ReceivedNotifications>();
        var reference = GatewayTestHost.Reference("auth_async_");
        var key = GatewayTestHost.NewKey();
        // Another node on the same database answers pending, then stops before its notification is due (it runs no jobs).
        await using (var node = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("database", server.Database);
            web.UseSetting("WAYBILL_BOOTSTRAP_API_KEY", WaybillServer.AdminKey);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            web.UseSetting("Flows:Enabled", "false");
            GatewayTestHost.Configure(web);
            web.UseSetting("Jobs:Enabled", "false");
        }))
        {
            using var scope = node.Services.CreateScope();
            var gateway = scope.ServiceProvider.GetRequiredService<PaymentGateways>().Find("mock")!;
            Assert.Equal(GatewayResult.Pending, (await gateway.CaptureAsync(new GatewayCall(key, reference, 8m, "USD"), CancellationToken.None)).Result);
        }

        await WorkTestHost.Eventually(() => Task.FromResult(received.Received.Any(r => r.Notification.IdempotencyKey == key)),
            "this node delivers the gone node's notification", seconds: 10);
        Assert.Equal(8m, await server.LedgerAsync(l => l.CapturedAsync(reference)));
    }

    private sealed record Step(bool Refund, int Key, decimal Amount);

    /// <summary>
    /// Any sequence of captures and refunds, keys repeated at random (with the same or another request), on an ok, a
    /// flaky or a lost-answer authorization: one ledger row per key, a repeat answers as the first try did, and the mock
    /// never refunds more than it captured (beyond what it took on trust before its first capture: money captured at
    /// checkout) — exactly what a model that applies each first use in order predicts.
    /// </summary>
    [Fact]
    public void Repeated_keys_never_move_money_twice_and_refunds_never_pass_captures()
    {
        var steps = Gen.Elements(true, false).SelectMany(refund => Gen.Choose(0, 4).SelectMany(key => Gen.Choose(1, 40)
            .Select(units => new Step(refund, key, units * 2.5m))));
        var cases = Gen.Elements("auth_ok_", "auth_flaky_", "auth_timeout_").SelectMany(prefix =>
            Gen.ListOf(steps).Select(list => (Prefix: prefix, Steps: list.Take(10).ToList())));

        var property = Prop.ForAll(cases.ToArbitrary(), c => RunAgainstModel(c.Prefix, c.Steps).GetAwaiter().GetResult());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(12), property);
    }

    private async Task<bool> RunAgainstModel(string prefix, List<Step> steps)
    {
        var reference = GatewayTestHost.Reference(prefix);
        var keyPrefix = GatewayTestHost.NewKey();
        var first = new Dictionary<int, (Step Step, GatewayAnswer Answer)>();
        decimal captured = 0, refunded = 0, onTrust = 0;
        foreach (var step in steps)
        {
            var kind = step.Refund ? MockOperationKind.Refund : MockOperationKind.Capture;
            var answer = await server.CallAsync(kind, reference, step.Amount, $"{keyPrefix}_{step.Key}");
            if (first.TryGetValue(step.Key, out var earlier))
            {
                var expectedRepeat = earlier.Step == step ? earlier.Answer : null;
                if (expectedRepeat is null ? answer.Code != "idempotency_key_reused" : answer != expectedRepeat) return false;
                continue;
            }
            // Before its first capture the mock cannot know what was captured at checkout, and takes the refund on trust.
            var accepted = !step.Refund || !first.Values.Any(f => !f.Step.Refund) || step.Amount <= captured - refunded;
            if (answer.Result != (accepted ? GatewayResult.Success : GatewayResult.Declined)) return false;
            if (accepted && step.Refund && !first.Values.Any(f => !f.Step.Refund)) onTrust += step.Amount;
            if (accepted && step.Refund) refunded += step.Amount;
            else if (accepted) captured += step.Amount;
            first[step.Key] = (step, answer);
        }
        var operations = await server.LedgerAsync(l => l.OperationsAsync(reference));
        var ledgerCaptured = await server.LedgerAsync(l => l.CapturedAsync(reference));
        var ledgerRefunded = await server.LedgerAsync(l => l.RefundedAsync(reference));
        return operations.Count == first.Count && operations.Select(o => o.IdempotencyKey).Distinct().Count() == operations.Count &&
            ledgerCaptured == captured && ledgerRefunded == refunded && ledgerRefunded - onTrust <= ledgerCaptured;
    }
}

public sealed class MockGatewayOnSqlite(GatewaySqliteServer server) : MockGatewayTests(server), IClassFixture<GatewaySqliteServer>;

public sealed class MockGatewayOnPostgres(GatewayPostgresServer server) : MockGatewayTests(server), IClassFixture<GatewayPostgresServer>;

/// <summary><c>WAYBILL_MOCK_GATEWAY_LATENCY_MS</c>: every call waits, and calls wait side by side.</summary>
public abstract class MockGatewayLatencyTests(WaybillServer server)
{
    [Fact]
    public async Task A_call_takes_at_least_the_latency_and_concurrent_calls_overlap()
    {
        var watch = Stopwatch.StartNew();
        Assert.Equal(GatewayResult.Success, (await server.CaptureAsync(GatewayTestHost.Reference("auth_ok_"), 1m)).Result);
        Assert.True(watch.ElapsedMilliseconds >= 200, $"one call took {watch.ElapsedMilliseconds} ms");

        // Warm the connection pool up, so the measure below is of the calls, not of opening connections.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => server.CaptureAsync(GatewayTestHost.Reference("auth_ok_"), 1m)));
        watch.Restart();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => server.CaptureAsync(GatewayTestHost.Reference("auth_ok_"), 1m)));
        watch.Stop();
        Assert.All(answers, a => Assert.Equal(GatewayResult.Success, a.Result));
        Assert.True(watch.ElapsedMilliseconds < 1200, $"10 concurrent calls took {watch.ElapsedMilliseconds} ms (10 × 200 ms one after another would be 2000 ms)");
    }
}

public sealed class MockGatewayLatencyOnSqlite(SlowGatewaySqliteServer server) : MockGatewayLatencyTests(server), IClassFixture<SlowGatewaySqliteServer>;

public sealed class MockGatewayLatencyOnPostgres(SlowGatewayPostgresServer server) : MockGatewayLatencyTests(server), IClassFixture<SlowGatewayPostgresServer>;
