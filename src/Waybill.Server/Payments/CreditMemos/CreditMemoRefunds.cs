using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary>The credit memo after ensure-refunds, and what its refunds still under way will bring.</summary>
public sealed record CreditMemoRefundOutcome(CreditMemoResponse CreditMemo, decimal RefundPending);

/// <summary>
/// Ensure-refunds of a credit memo (domain.md "Payments"): its balance is refunded to the payments with something to
/// refund — an exact match first, otherwise the largest — in the rounds ensure-funds uses (<see cref="PaymentRounds"/>):
/// planned with the order locked, the gateway called with no transaction open, the answers settled
/// (<see cref="PaymentSettlement"/> applies each success to the memo). Refunds under way are not asked for again, and no
/// payment is asked for more than it has left to refund less what is being refunded from it, so two callers racing
/// refund the memo once and never more than was captured. When no payment can take what is left, a refund process
/// exception is raised (once per memo; its <c>retry</c> runs this again).
/// </summary>
public sealed class CreditMemoRefunds(IServiceScopeFactory scopes, PaymentRounds rounds)
{
    /// <param name="check">Runs on the memo before anything is done (If-Match); throws to refuse.</param>
    public Task<CreditMemoRefundOutcome> EnsureAsync(string creditMemoId, string actor, Action<CreditMemo>? check, CancellationToken cancellationToken) =>
        rounds.RunAsync((excluded, round) => PlanAsync(creditMemoId, excluded, round == 0 ? check : null, first: round == 0, actor, cancellationToken),
            actor, cancellationToken);

    private async Task<PaymentRoundPlan<CreditMemoRefundOutcome>> PlanAsync(
        string creditMemoId, HashSet<string> excluded, Action<CreditMemo>? check, bool first, string actor, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WaybillDb>();
        return await services.GetRequiredService<RequestCommit>().InTransactionAsync(async () =>
        {
            var orderId = await db.CreditMemos.Where(m => m.Id == creditMemoId).Select(m => m.OrderId).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ProblemException(Problems.NotFound("credit memo", creditMemoId));
            await PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var memo = await CreditMemoRecords.LoadAsync(db, creditMemoId, cancellationToken);
            check?.Invoke(memo);
            if (first) memo.EnsureRefundsAllowed();
            var (order, _) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            var requests = services.GetRequiredService<PaymentRequests>();
            var now = services.GetRequiredService<IClock>().UtcNow;
            var (_, askedAgain, pending, available) = await requests.StartRefundsAsync(order, creditMemoId, excluded, now, cancellationToken);
            var needed = memo.Balance - pending;
            var refunds = needed > 0 ? requests.Request(order, FundsPlan.Cover(needed, available), PaymentInteractionType.Refund, null, creditMemoId, now) : [];
            IReadOnlyList<PaymentCallRequest> calls = [.. askedAgain, .. refunds];
            var planned = refunds.Sum(c => c.Call.Amount);
            if (needed > planned && pending == 0 && calls.Count == 0)
            {
                var currency = order.Currency;
                await services.GetRequiredService<ProcessExceptions>().RaiseUnlessOpenAsync(new NewProcessException(orderId, ProcessExceptionCategory.Refund,
                    ProcessExceptionSeverity.High,
                    $"Credit memo {memo.Id} of order {order.OrderNumber}: no payment can take back {currency.Normalize(needed)} {order.CurrencyCode}. " +
                    "Retry this exception once a payment can take a refund.", RetryReference: CreditMemoRefundRetry.Reference(memo.Id)), actor, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            return new PaymentRoundPlan<CreditMemoRefundOutcome>(orderId, calls,
                new CreditMemoRefundOutcome(CreditMemoResponse.From(memo), order.Currency.Normalize(pending + planned)));
        }, cancellationToken);
    }
}
