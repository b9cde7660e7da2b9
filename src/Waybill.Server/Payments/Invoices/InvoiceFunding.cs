using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Invoices;

/// <summary>
/// Ensure-funds (domain.md "Payments", api.md): pays an invoice from the order's unapplied balance first, then by
/// capturing from its authorizations — an exact match first, otherwise the largest — in rounds: a payment that declines
/// or fails is left out of the next round, so another one can still cover the balance. Each round is three steps, and
/// the gateway is never called inside a transaction:
/// <list type="number">
/// <item>plan (a transaction, the order locked): apply the unapplied balance, choose the captures and log each as a
/// pending interaction — its id is the idempotency key — with a settle job as the safety net should this node die;</item>
/// <item>call the gateway, all captures at once;</item>
/// <item>settle (a transaction): record the answers, the payments' figures and the invoice (<see cref="PaymentSettlement"/>).</item>
/// </list>
/// When no payment is left to try and a balance remains, the invoice is <c>failed</c> and a payment process exception is
/// raised; a later ensure-funds (after a new authorization) can still pay it.
/// </summary>
public sealed class InvoiceFunding(IServiceScopeFactory scopes, PaymentRounds rounds)
{
    /// <param name="check">Runs on the invoice before anything is done (If-Match); throws to refuse.</param>
    /// <returns>The invoice after the last round.</returns>
    public Task<InvoiceResponse> EnsureAsync(string invoiceId, string actor, Action<Invoice>? check, CancellationToken cancellationToken) =>
        RunAsync(invoiceId, actor, check, leaveOutDeclined: false, cancellationToken);

    /// <summary>
    /// Ensure-funds again, leaving out every payment that declined a capture for this invoice: after a late decline (a
    /// notification) and on the process exception's retry. A declined card declines again, and an asynchronous one would
    /// otherwise be picked again and again (pending → declined → pending …); a new authorization is tried like any other.
    /// </summary>
    public Task<InvoiceResponse> EnsureAgainAsync(string invoiceId, string actor, CancellationToken cancellationToken) =>
        RunAsync(invoiceId, actor, null, leaveOutDeclined: true, cancellationToken);

    private Task<InvoiceResponse> RunAsync(string invoiceId, string actor, Action<Invoice>? check, bool leaveOutDeclined, CancellationToken cancellationToken) =>
        rounds.RunAsync((excluded, round) => PlanAsync(invoiceId, excluded, round == 0 ? check : null, first: round == 0, leaveOutDeclined, actor, cancellationToken),
            actor, cancellationToken);

    private async Task<PaymentRoundPlan<InvoiceResponse>> PlanAsync(
        string invoiceId, HashSet<string> excluded, Action<Invoice>? check, bool first, bool leaveOutDeclined, string actor, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WaybillDb>();
        var commit = services.GetRequiredService<RequestCommit>();
        var clock = services.GetRequiredService<IClock>();
        var ids = services.GetRequiredService<IIdGenerator>();
        return await commit.InTransactionAsync(async () =>
        {
            var orderId = await db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.OrderId).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ProblemException(Problems.NotFound("invoice", invoiceId));
            await PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var invoice = await InvoiceRecords.LoadAsync(db, invoiceId, cancellationToken);
            var before = invoice.Status;
            check?.Invoke(invoice);
            if (first) invoice.EnsureFundsAllowed();
            var (order, _) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            var now = clock.UtcNow;
            var requests = services.GetRequiredService<PaymentRequests>();
            if (first && leaveOutDeclined)
                excluded.UnionWith(await db.PaymentInteractions.AsNoTracking()
                    .Where(i => i.InvoiceId == invoiceId && i.Type == PaymentInteractionType.Capture && i.Result == PaymentInteractionResult.Declined && i.PaymentId != null)
                    .Select(i => i.PaymentId!).ToListAsync(cancellationToken));
            var underWay = await requests.OpenAsync(orderId, cancellationToken);
            var open = underWay.Where(c => c.Type == PaymentInteractionType.Capture).ToList();
            // A capture given up on for want of an outcome may still have moved the money: it is asked again with its own
            // key before anything new is planned, and counts as under way.
            var givenUp = await db.PaymentInteractions
                .Where(i => i.InvoiceId == invoiceId && i.Type == PaymentInteractionType.Capture && i.Result == PaymentInteractionResult.Error
                            && i.Code == PaymentInteraction.NoOutcomeCode)
                .ToListAsync(cancellationToken);
            var askedAgain = requests.AskAgain(order, givenUp, now);
            open.AddRange(askedAgain.Select(c => new OpenCall(c.Type, c.PaymentId, invoiceId, null, c.Call.Amount)));
            IReadOnlyList<PaymentCallRequest> calls = askedAgain;
            // What calls already under way will bring is not asked for again (two ensure-funds racing on one invoice).
            var needed = invoice.Status == InvoiceStatus.Paid ? 0m : invoice.Balance - open.Where(o => o.InvoiceId == invoiceId).Sum(o => o.Amount);
            // Unapplied money already being refunded as excess is not there to take.
            var refunding = underWay.Where(c => c.Type == PaymentInteractionType.Refund && c.CreditMemoId is null).Sum(c => c.Amount);
            if (needed > 0 && order.UnappliedPaymentAmount - refunding > 0)
            {
                var fromBalance = Math.Min(needed, order.UnappliedPaymentAmount - refunding);
                order.ApplyUnapplied(fromBalance);
                invoice.Apply(fromBalance, now);
                needed -= fromBalance;
            }
            if (needed > 0)
            {
                var available = new List<PaymentAvailability>();
                foreach (var payment in order.Payments.Where(p => !excluded.Contains(p.Id)))
                {
                    // A void under way (authorization the order no longer needed) takes its part of the hold too.
                    var left = payment.AvailableToCapture - open.Where(o => o.PaymentId == payment.Id).Sum(o => o.Amount)
                        - underWay.Where(o => o.Type == PaymentInteractionType.Void && o.PaymentId == payment.Id).Sum(o => o.Amount);
                    if (left <= 0) continue;
                    if (payment.IsExpiredAt(now))
                    {
                        // Known to be expired: the gateway would refuse it, so it is not asked; the refusal is logged all the same.
                        excluded.Add(payment.Id);
                        var refused = PaymentInteraction.Requested(ids.NewId(), orderId, payment.Id, payment.Gateway, PaymentInteractionType.Capture,
                            Math.Min(left, needed), invoiceId, null, now);
                        refused.Settle(PaymentInteractionResult.Declined, null,
                            $"The authorization expired at {payment.AuthorizationExpiresAt:O}; add a new authorization to capture.", "authorization_expired", now);
                        db.PaymentInteractions.Add(refused);
                        services.GetRequiredService<EventOutbox>().Add(PaymentEventTypes.Failed, orderId, PaymentEventData.From(order, refused));
                        continue;
                    }
                    available.Add(new PaymentAvailability(payment.Id, left));
                }
                calls = [.. askedAgain, .. requests.Request(order, FundsPlan.Cover(needed, available), PaymentInteractionType.Capture, invoiceId, null, now)];
            }
            if (calls.Count == 0) await services.GetRequiredService<PaymentSettlement>().ConcludeAsync(invoice, actor, cancellationToken);
            InvoiceRecords.RecordEvents(invoice, services.GetRequiredService<EventOutbox>(), services.GetRequiredService<AuditTrail>(), actor, before);
            await db.SaveChangesAsync(cancellationToken);
            return new PaymentRoundPlan<InvoiceResponse>(orderId, calls, InvoiceResponse.From(invoice));
        }, cancellationToken);
    }
}
