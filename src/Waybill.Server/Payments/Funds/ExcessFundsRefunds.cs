using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Funds;

/// <summary>
/// What ensure-refunds of excess funds came to: what is still unapplied, what is being refunded, why nothing was refunded
/// when nothing was, and how much unneeded authorization is being voided.
/// </summary>
public sealed record ExcessRefundResponse(string OrderId, decimal UnappliedAmount, decimal RefundPending, string? Skipped, decimal AuthorizationReleasing = 0m);

/// <summary>
/// Ensure-refunds of excess funds (domain.md "Payments"): captured money the order no longer needs — its unapplied
/// balance beyond the grand total less what invoices were paid (a gift card charged in full at checkout, units canceled
/// after capture) — is refunded to the payments that have something to refund — an exact match first, otherwise the
/// largest — in the same rounds as ensure-funds (<see cref="PaymentRounds"/>). Refunds still under
/// way are not asked for again, so two callers racing refund the excess once. When no payment can take it, a refund
/// process exception is raised (once per order). In the same rounds, authorization the order no longer needs is voided
/// (domain.md "Flows" 5: a cancel before capture reduces the authorization).
/// </summary>
public sealed class ExcessFundsRefunds(IServiceScopeFactory scopes, PaymentRounds rounds)
{
    public static string RetryReference(string orderId) => "excess:" + orderId;

    public Task<ExcessRefundResponse> EnsureAsync(string orderId, string actor, CancellationToken cancellationToken) =>
        rounds.RunAsync((excluded, _) => PlanAsync(orderId, excluded, actor, cancellationToken), actor, cancellationToken);

    private async Task<PaymentRoundPlan<ExcessRefundResponse>> PlanAsync(string orderId, HashSet<string> excluded, string actor, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WaybillDb>();
        return await services.GetRequiredService<RequestCommit>().InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var (order, _) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            var currency = order.Currency;
            var now = services.GetRequiredService<IClock>().UtcNow;
            var requests = services.GetRequiredService<PaymentRequests>();
            var (open, askedAgain, pending, available) = await requests.StartRefundsAsync(order, null, excluded, now, cancellationToken);
            // Excess: captured money beyond what is still to be paid — the grand total less what invoices were paid net of credit memos.
            var invoicesPaid = await Invoices.InvoiceRecords.PaidLessCreditedAsync(db, orderId, cancellationToken);
            var excess = order.ExcessFunds(invoicesPaid) - pending;
            var refunds = excess > 0 ? requests.Request(order, FundsPlan.Cover(excess, available), PaymentInteractionType.Refund, null, null, now) : [];
            var planned = refunds.Sum(c => c.Call.Amount);
            var voids = requests.Request(order, await UnneededAuthorizationAsync(db, open, order, invoicesPaid, pending + planned, excluded, now, cancellationToken),
                PaymentInteractionType.Void, null, null, now);
            IReadOnlyList<PaymentCallRequest> calls = [.. askedAgain, .. refunds, .. voids];
            string? skipped = excess <= 0 ? (pending > 0 ? "Refunds of the excess are under way." : "The order has no excess funds: what it captured is still to be paid for.") : null;
            if (excess > planned && pending == 0 && calls.Count == 0)
            {
                skipped = $"No payment can take back {currency.Normalize(excess - planned)} {order.CurrencyCode} of excess funds.";
                await services.GetRequiredService<ProcessExceptions>().RaiseUnlessOpenAsync(new NewProcessException(orderId, ProcessExceptionCategory.Refund,
                    ProcessExceptionSeverity.High, $"Order {order.OrderNumber}: {skipped} Retry this exception once the payment can take a refund.",
                    RetryReference: RetryReference(orderId)), actor, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            return new PaymentRoundPlan<ExcessRefundResponse>(orderId, calls,
                new ExcessRefundResponse(orderId, currency.Normalize(order.UnappliedPaymentAmount), currency.Normalize(pending + planned), skipped,
                    currency.Normalize(voids.Sum(v => v.Call.Amount))));
        }, cancellationToken);
    }

    /// <summary>
    /// Authorization the order no longer needs — what its payments can still capture beyond what is left to be paid (the
    /// grand total less invoices paid net of credit memos, less the unapplied balance that stays; a capture under way is not
    /// counted as paid, since it may still decline) —
    /// to be voided: every hold but what ensure-funds would capture for what is left (exact match first, else the largest;
    /// cards that declined a capture kept last), so a cancel before capture lets go of the customer's money and the holds
    /// kept are the ones that will be used. Expired authorizations hold nothing and are left alone; a card that declined a
    /// void is not asked again.
    /// </summary>
    private static async Task<IReadOnlyList<PaymentDraw>> UnneededAuthorizationAsync(WaybillDb db, IReadOnlyList<OpenCall> open, Domain.Orders.Order order,
        decimal invoicesPaid, decimal refunding, HashSet<string> excluded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A card that declined a capture is the last one to keep; one that declined a void is not asked again.
        var declined = await db.PaymentInteractions.AsNoTracking()
            .Where(i => i.OrderId == order.Id && i.Result == PaymentInteractionResult.Declined
                        && (i.Type == PaymentInteractionType.Capture || i.Type == PaymentInteractionType.Void))
            .Select(i => new { i.PaymentId, i.Type }).ToListAsync(cancellationToken);
        var underWay = open.Where(c => c.Type is PaymentInteractionType.Capture or PaymentInteractionType.Void).ToList();
        var stillToPay = Math.Max(0m, order.Totals.GrandTotalAmount - invoicesPaid);
        // A capture under way may still decline: the holds that could pay in its stead are kept until it settles.
        var covered = order.UnappliedPaymentAmount - refunding;
        var needed = Math.Max(0m, stillToPay - covered);
        var holds = order.Payments.Where(p => !excluded.Contains(p.Id) && !p.IsExpiredAt(now)
                                              && !declined.Any(d => d.PaymentId == p.Id && d.Type == PaymentInteractionType.Void))
            .Select(p => new PaymentAvailability(p.Id, p.AvailableToCapture - underWay.Where(c => c.PaymentId == p.Id).Sum(c => c.Amount)))
            .Where(a => a.Available > 0).ToList();
        // Kept: what ensure-funds would capture for what is left to pay (exact match first, else the largest), cards that
        // captured well before cards that declined; the rest goes.
        var reliable = holds.Where(h => !declined.Any(d => d.PaymentId == h.PaymentId && d.Type == PaymentInteractionType.Capture)).ToList();
        var kept = FundsPlan.Cover(needed, reliable).ToDictionary(d => d.PaymentId, d => d.Amount);
        var rest = needed - kept.Values.Sum();
        foreach (var draw in FundsPlan.Cover(rest, holds.Except(reliable))) kept[draw.PaymentId] = draw.Amount;
        var draws = holds.Select(h => new PaymentDraw(h.PaymentId, h.Available - kept.GetValueOrDefault(h.PaymentId))).Where(d => d.Amount > 0).ToList();
        return draws;
    }
}
