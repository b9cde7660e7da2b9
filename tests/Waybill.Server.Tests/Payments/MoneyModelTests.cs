using System.Net;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// The money invariant of domain.md, checked after every step of random runs through the real server, the default flows
/// and the mock gateway: orders paid by any mix of cards that succeed, decline, fail for a moment, lose their answer or
/// answer asynchronously, and gift cards charged at checkout; steps that ship part of the order, ensure funds again,
/// add an authorization, or repeat a gateway's notification. After each step settles, the API's figures add up and the
/// gateway's own books agree with the order's; at the end every invoice is paid, the excess is refunded and the order
/// closes with exactly its grand total kept.
/// </summary>
public abstract class MoneyModelTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    public enum PaymentKind { Ok, Decline, Flaky, Timeout, Async, Checkout }

    public sealed record PaymentSpec(PaymentKind Kind, int Tenths);

    public enum StepKind { Ship, EnsureFunds, AddAuthorization, RepeatNotification, Return }

    public sealed record Step(StepKind Kind, int Size);

    public sealed record Case(int Quantity, List<PaymentSpec> Payments, List<Step> Steps);

    private static Gen<Case> Cases() =>
        from quantity in Gen.Choose(2, 5)
        from payments in Gen.ListOf(
            from kind in Gen.Elements(Enum.GetValues<PaymentKind>())
            from tenths in Gen.Choose(2, 12)
            select new PaymentSpec(kind, tenths)).Select(l => l.Take(3).ToList()).Where(l => l.Count > 0)
        from steps in Gen.ListOf(
            from kind in Gen.Frequency((4, Gen.Constant(StepKind.Ship)), (2, Gen.Constant(StepKind.EnsureFunds)),
                (1, Gen.Constant(StepKind.AddAuthorization)), (1, Gen.Constant(StepKind.RepeatNotification)), (1, Gen.Constant(StepKind.Return)))
            from size in Gen.Choose(1, 3)
            select new Step(kind, size)).Select(l => l.Take(6).ToList())
        select new Case(quantity, payments, steps);

    [Fact]
    public void The_money_adds_up_after_every_step_of_any_run()
    {
        var property = Prop.ForAll(Cases().ToArbitrary(), c => RunAsync(c).GetAwaiter().GetResult());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(10), property);
    }

    private static string Prefix(PaymentKind kind) => kind switch
    {
        PaymentKind.Ok => "auth_ok_",
        PaymentKind.Decline => "auth_decline_",
        PaymentKind.Flaky => "auth_flaky_",
        PaymentKind.Timeout => "auth_timeout_",
        PaymentKind.Async => "auth_async_",
        _ => "gc_",
    };

    private async Task<bool> RunAsync(Case c)
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var total = 10.00m * c.Quantity;
        // Each payment covers a tenth-multiple of the total: together they may cover less or more than it.
        var payments = c.Payments.Select(p => PaymentScenario.Payment(Prefix(p.Kind) + Guid.NewGuid().ToString("N")[..8], total * p.Tenths / 10m,
            captured: p.Kind == PaymentKind.Checkout ? total * p.Tenths / 10m : 0m, method: p.Kind == PaymentKind.Checkout ? "gift_card" : "card")).ToArray();
        var (orderId, fo) = await scenario.PlaceAsync(c.Quantity, payments);
        var checkout = payments.Sum(p => p["capturedAmount"].Dec());
        var shipped = 0;
        var returned = 0;
        var lineId = (await _admin.GetOrder(orderId)).LineOf("l1")["id"].Str();

        foreach (var step in c.Steps)
        {
            switch (step.Kind)
            {
                case StepKind.Ship when shipped < c.Quantity:
                    var units = Math.Min(step.Size, c.Quantity - shipped);
                    await scenario.ShipAsync(fo, units);
                    shipped += units;
                    break;
                case StepKind.EnsureFunds:
                    foreach (var failed in (await scenario.InvoicesOf(orderId)).Where(i => i["status"].Str() == "failed"))
                        await (await _admin.PostJson($"/api/v1/invoices/{failed["id"].Str()}/ensure-funds", null)).Expect(HttpStatusCode.OK);
                    break;
                case StepKind.AddAuthorization:
                    var added = await _admin.PostJson($"/api/v1/orders/{orderId}/payments",
                        PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 10.00m * step.Size));
                    // Everything shipped and paid already: the order closed, and takes no more payments.
                    if (added.StatusCode == HttpStatusCode.Conflict && (await _admin.GetOrder(orderId))["status"].Str() == "closed") break;
                    await added.Expect(HttpStatusCode.Created);
                    break;
                case StepKind.RepeatNotification:
                    await RepeatAsyncCaptureNotificationsAsync(scenario, orderId);
                    break;
                case StepKind.Return when shipped > returned:
                    // Units come back: a credit memo, refunded by flow 6 from what was captured.
                    var back = Math.Min(step.Size, shipped - returned);
                    await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", new JsonObject
                    {
                        ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = back, ["reason"] = "changed_mind" }),
                    })).Expect(HttpStatusCode.Created);
                    returned += back;
                    break;
            }
            await SettledAsync(scenario, orderId, shipped);
            await BooksAgreeOnceSettledAsync(scenario, orderId, checkout);
        }

        // The rest ships, a card covers any shortfall, failed invoices are paid: the order closes with its total kept.
        if (shipped < c.Quantity) await scenario.ShipAsync(fo, c.Quantity - shipped);
        await SettledAsync(scenario, orderId, c.Quantity);
        var unpaid = (await scenario.InvoicesOf(orderId)).Where(i => i["status"].Str() == "failed").ToList();
        if (unpaid.Count > 0)
        {
            await (await _admin.PostJson($"/api/v1/orders/{orderId}/payments",
                PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], total))).Expect(HttpStatusCode.Created);
            foreach (var failed in unpaid)
                await (await _admin.PostJson($"/api/v1/invoices/{failed["id"].Str()}/ensure-funds", null)).Expect(HttpStatusCode.OK);
        }
        // A credit memo no payment could take (its units' invoice had failed: nothing was captured for them) is refunded now.
        await SettledAsync(scenario, orderId, c.Quantity);
        foreach (var memo in (await _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}")).Where(m => m["status"].Str() == "open"))
            await (await _admin.PostJson($"/api/v1/credit-memos/{memo["id"].Str()}/ensure-refunds", null)).Expect(HttpStatusCode.OK);
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal("closed", closed["status"].Str());
        await BooksAgreeOnceSettledAsync(scenario, orderId, checkout);
        var final = await scenario.PaymentsOf(orderId);
        var summaries = final["summaries"]!.AsArray();
        Assert.Equal(10.00m * (c.Quantity - returned), closed["totals"]!["grandTotalAmount"].Dec());
        Assert.Equal(10.00m * (c.Quantity - returned), summaries.Sum(s => s!["capturedAmount"].Dec() - s["refundedAmount"].Dec()));
        Assert.All(await _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"), m => Assert.Equal("refunded", m["status"].Str()));
        Assert.Equal(0m, final["unappliedAmount"].Dec());
        Assert.All(await scenario.InvoicesOf(orderId), i => Assert.Equal("paid", i["status"].Str()));
        return true;
    }

    /// <summary>Every shipment invoiced, no invoice left open and no gateway call open: the flows are done with the step.</summary>
    private static async Task SettledAsync(PaymentScenario scenario, string orderId, int shipped)
    {
        var settled = await PaymentScenario.Eventually(async () =>
        {
            var invoices = await scenario.InvoicesOf(orderId);
            var payments = await scenario.PaymentsOf(orderId);
            // A credit memo is settled when refunded, or when no payment could take it (a refund process exception names it).
            var memos = await scenario.Admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}");
            var exceptions = memos.Any(m => m["status"].Str() == "open")
                ? await scenario.Admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}")
                : [];
            return invoices.Sum(i => i["lines"]!.AsArray().Where(l => l!["type"].Str() == "product").Sum(l => l!["quantity"]!.GetValue<int>())) == shipped
                   && invoices.All(i => i["status"].Str() != "open")
                   && memos.All(m => m["status"].Str() == "refunded"
                                     || exceptions.Any(e => e["category"].Str() == "refund" && e["message"].Str().Contains(m["id"].Str(), StringComparison.Ordinal)))
                   && payments["interactions"]!.AsArray().All(i => i!["result"].Str() != "pending");
        }, done => done);
        if (!settled)
        {
            var runs = await scenario.Admin.GetStringAsync($"/api/v1/flow-runs?orderId={orderId}");
            var invoices = string.Join("\n", (await scenario.InvoicesOf(orderId)).Select(i => i.ToJsonString()));
            var memos = string.Join("\n", (await scenario.Admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}")).Select(m => m.ToJsonString()));
            var exceptions = string.Join("\n", (await scenario.Admin.ReadAll($"/api/v1/process-exceptions?orderId={orderId}")).Select(e => e.ToJsonString()));
            Assert.Fail($"order {orderId}: the flows did not settle the step ({shipped} shipped).\ninvoices:\n{invoices}\ncredit memos:\n{memos}\n" +
                        $"process exceptions:\n{exceptions}\npayments: {await scenario.PaymentsOf(orderId)}\nruns: {runs}");
        }
    }

    /// <summary>
    /// The books agree once the work the step set off is done: a flow the step's events started later (a refund of excess
    /// funds after an invoice was paid) may have moved money at the gateway a moment before Waybill records the answer.
    /// Retried for a while; the last failure is the test's.
    /// </summary>
    private async Task BooksAgreeOnceSettledAsync(PaymentScenario scenario, string orderId, decimal checkout)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await AssertBooksAgreeAsync(scenario, orderId, checkout);
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The invariant on the API's figures, and the mock gateway's ledger agreeing with each payment's.</summary>
    private async Task AssertBooksAgreeAsync(PaymentScenario scenario, string orderId, decimal checkout)
    {
        await scenario.AssertMoneyAddsUp(orderId, checkout);
        foreach (var invoice in await scenario.InvoicesOf(orderId))
        {
            Assert.InRange(invoice["paidAmount"].Dec(), 0m, invoice["totalAmount"].Dec());
            Assert.Equal(invoice["status"].Str() == "paid", invoice["balance"].Dec() == 0m);
        }
        using var scope = server.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<MockGatewayLedger>();
        foreach (var summary in (await scenario.PaymentsOf(orderId))["summaries"]!.AsArray().Select(s => s!))
        {
            var reference = summary["gatewayReference"].Str();
            var atCheckout = reference.StartsWith("gc_", StringComparison.Ordinal) ? summary["authorizedAmount"].Dec() : 0m;
            Assert.Equal(summary["capturedAmount"].Dec() - atCheckout, await ledger.CapturedAsync(reference));
            Assert.Equal(summary["refundedAmount"].Dec(), await ledger.RefundedAsync(reference));
        }
    }

    /// <summary>Each asynchronous capture's notification arrives once more (under another notification id).</summary>
    private async Task RepeatAsyncCaptureNotificationsAsync(PaymentScenario scenario, string orderId)
    {
        var payments = await scenario.PaymentsOf(orderId);
        var summaries = payments["summaries"]!.AsArray().ToDictionary(s => s!["id"].Str(), s => s!["gatewayReference"].Str());
        foreach (var capture in payments["interactions"]!.AsArray().Where(i => i!["type"].Str() == "capture" && i["result"].Str() == "success"))
        {
            var reference = summaries[capture!["paymentId"].Str()];
            if (!reference.StartsWith("auth_async_", StringComparison.Ordinal)) continue;
            await (await server.NotifyAsync(new JsonObject
            {
                ["id"] = "again_" + Guid.NewGuid().ToString("N"), ["type"] = "capture.succeeded", ["idempotencyKey"] = capture["id"].Str(),
                ["paymentReference"] = reference, ["amount"] = capture["amount"].Dec(), ["currency"] = "USD", ["reference"] = "mock_again",
                ["message"] = null, ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
            })).Expect(HttpStatusCode.OK);
        }
    }
}

public sealed class MoneyModelOnSqlite(PaymentFlowSqliteServer server) : MoneyModelTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class MoneyModelOnPostgres(PaymentFlowPostgresServer server) : MoneyModelTests(server), IClassFixture<PaymentFlowPostgresServer>;
