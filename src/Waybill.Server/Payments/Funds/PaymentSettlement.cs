using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Funds;

/// <summary>A gateway's word on one interaction: an answer to a call, or a notification with the outcome of a pending one.</summary>
public sealed record PaymentOutcome(string InteractionId, PaymentInteractionResult Result, string? GatewayReference, string? Message, string? Code);

/// <summary>
/// Records gateway outcomes on an order in one transaction: the interaction, the payment summary's figures, the invoice
/// or credit memo the money was for, the events. An outcome for an interaction settled already changes nothing, so answers that arrive
/// twice (a retry's, a duplicate notification) are harmless. The order row is locked first: every money change of one
/// order happens one at a time.
/// </summary>
public sealed class PaymentSettlement(
    WaybillDb db, RequestCommit commit, EventOutbox outbox, AuditTrail audit, ProcessExceptions exceptions, JobScheduler jobs, IClock clock)
{
    /// <summary>The process exception's retry reference for an invoice ensure-funds could not pay.</summary>
    public static string InvoiceRetryReference(string invoiceId) => "invoice:" + invoiceId;

    /// <param name="conclude">
    /// Also settle the invoices' fate, for outcomes that come after ensure-funds has finished (a notification, the settle
    /// job): an invoice a capture was declined for here is handed to ensure-funds again without the payments that declined
    /// it (<see cref="InvoiceFundsAgainJob"/>), so another payment can still pay it; any other invoice left with a balance and
    /// no call open fails and raises a payment process exception. Ensure-funds passes false between its rounds (it tries
    /// the other payments itself).
    /// </param>
    /// <param name="notification">The notification that brought the outcomes, logged in the same transaction (null for a call's answer).</param>
    public Task SettleAsync(string orderId, IReadOnlyList<PaymentOutcome> outcomes, string actor, bool conclude, CancellationToken cancellationToken,
        PaymentInteraction? notification = null) =>
        commit.InTransactionAsync(async () =>
        {
            await LockOrderAsync(db, orderId, cancellationToken);
            if (notification is not null)
            {
                // At-least-once delivery: a notification logged already was handled already.
                if (await db.PaymentInteractions.AnyAsync(i => i.Id == notification.Id, cancellationToken)) return false;
                db.PaymentInteractions.Add(notification);
            }
            var (order, _) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            var ids = outcomes.Select(o => o.InteractionId).ToList();
            var interactions = await db.PaymentInteractions.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
            var invoiceIds = interactions.Values.Where(i => i.InvoiceId != null).Select(i => i.InvoiceId!).Distinct().ToList();
            var invoices = new Dictionary<string, (Invoice Invoice, InvoiceStatus Before)>();
            foreach (var id in invoiceIds)
            {
                var invoice = await InvoiceRecords.LoadAsync(db, id, cancellationToken);
                invoices[id] = (invoice, invoice.Status);
            }
            var memos = await CreditMemos.CreditMemoRecords.ForInteractionsAsync(db, interactions.Values, cancellationToken);
            var now = clock.UtcNow;
            var declined = new HashSet<string>(StringComparer.Ordinal);
            var excessGivenUp = false;
            var memosGivenUp = new HashSet<string>(StringComparer.Ordinal);
            foreach (var outcome in outcomes)
            {
                if (!interactions.TryGetValue(outcome.InteractionId, out var interaction) || interaction.OrderId != orderId) continue;
                if (!interaction.Settle(outcome.Result, outcome.GatewayReference, outcome.Message, outcome.Code, now)) continue;
                var invoice = interaction.InvoiceId is { } invoiceId ? invoices[invoiceId].Invoice : null;
                Apply(order, interaction, invoice, now);
                if (interaction is { Type: PaymentInteractionType.Refund, Result: PaymentInteractionResult.Success, CreditMemoId: { } memoId }
                    && Math.Min(interaction.Amount, memos[memoId].Memo.Balance) is > 0 and var credited)
                    memos[memoId].Memo.ApplyRefund(credited, now);
                if (interaction is { Type: PaymentInteractionType.Capture, Result: PaymentInteractionResult.Declined, InvoiceId: { } declinedFor })
                    declined.Add(declinedFor);
                // A refund that failed late (a declining notification, no outcome by the deadline) is not dropped: a person
                // is asked to retry it (the retry runs ensure-refunds again, which tries the other payments too).
                var refundFailed = interaction is { Type: PaymentInteractionType.Refund }
                                   && (interaction.IsGivenUp || interaction.Result == PaymentInteractionResult.Declined);
                excessGivenUp |= refundFailed && interaction.CreditMemoId is null;
                if (refundFailed && interaction.CreditMemoId is { } failedFor) memosGivenUp.Add(failedFor);
            }
            if (conclude)
            {
                foreach (var (invoice, _) in invoices.Values)
                {
                    if (declined.Contains(invoice.Id) && invoice.Status != InvoiceStatus.Paid)
                        jobs.ScheduleNow(InvoiceFundsAgainJob.JobKind, new InvoiceFundsAgainJob.Payload(invoice.Id), orderId);
                    else await ConcludeAsync(invoice, actor, cancellationToken);
                }
                if (excessGivenUp) await RaiseExcessRefundUnknownAsync(order, actor, cancellationToken);
                foreach (var memoId in memosGivenUp)
                {
                    await exceptions.RaiseUnlessOpenAsync(new NewProcessException(order.Id, ProcessExceptionCategory.Refund, ProcessExceptionSeverity.High,
                        $"Credit memo {memoId} of order {order.OrderNumber}: a refund was declined or got no outcome in time. Retry this exception to refund it again.",
                        RetryReference: CreditMemos.CreditMemoRefundRetry.Reference(memoId)), actor, cancellationToken);
                }
            }
            foreach (var (invoice, before) in invoices.Values) InvoiceRecords.RecordEvents(invoice, outbox, audit, actor, before);
            foreach (var (memo, before) in memos.Values) CreditMemos.CreditMemoRecords.RecordEvents(memo, outbox, audit, actor, before);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>What a settled interaction does to the order's money.</summary>
    private void Apply(Order order, PaymentInteraction interaction, Invoice? invoice, DateTimeOffset now)
    {
        switch (interaction.Type, interaction.Result)
        {
            case (PaymentInteractionType.Capture, PaymentInteractionResult.Success):
                // An invoice paid meanwhile (another payment, another try) leaves the capture unapplied: it is not lost.
                var applied = invoice is { Status: not InvoiceStatus.Paid } ? Math.Min(interaction.Amount, invoice.Balance) : 0m;
                order.RecordCapture(interaction.PaymentId!, interaction.Amount, applied);
                if (applied > 0) invoice!.Apply(applied, now);
                outbox.Add(PaymentEventTypes.Captured, order.Id, PaymentEventData.From(order, interaction));
                break;
            case (PaymentInteractionType.Refund, PaymentInteractionResult.Success):
                order.RecordRefund(interaction.PaymentId!, interaction.Amount, forCreditMemo: interaction.CreditMemoId is not null);
                outbox.Add(PaymentEventTypes.Refunded, order.Id, PaymentEventData.From(order, interaction));
                break;
            case (PaymentInteractionType.Void, PaymentInteractionResult.Success):
                order.RecordReversal(interaction.PaymentId!, interaction.Amount);
                break;
            case (_, PaymentInteractionResult.Declined or PaymentInteractionResult.Error):
                outbox.Add(PaymentEventTypes.Failed, order.Id, PaymentEventData.From(order, interaction));
                break;
        }
        audit.Record("payment", interaction.PaymentId ?? interaction.Id, Domain.Common.StatusNames.Of(interaction.Type), "gateway:" + interaction.Gateway, null,
            Domain.Common.StatusNames.Of(interaction.Result), interaction.Message, new { interactionId = interaction.Id, interaction.Amount, interaction.InvoiceId, interaction.CreditMemoId });
    }

    /// <summary>
    /// An invoice with a balance and no call open for it is <c>failed</c>, with a payment process exception (one open
    /// at a time per invoice; its <c>retry</c> runs ensure-funds again).
    /// </summary>
    public async Task ConcludeAsync(Invoice invoice, string actor, CancellationToken cancellationToken)
    {
        if (invoice.Status == InvoiceStatus.Paid || invoice.Balance == 0) return;
        // Open as this unit of work sees it: what the database holds pending, unless settled here and not saved yet, and what
        // was requested here.
        var pending = await db.PaymentInteractions.Where(i => i.InvoiceId == invoice.Id && i.Result == PaymentInteractionResult.Pending)
            .Select(i => i.Id).ToListAsync(cancellationToken);
        var here = db.PaymentInteractions.Local.Where(i => i.InvoiceId == invoice.Id).ToDictionary(i => i.Id);
        var open = pending.Any(id => !here.TryGetValue(id, out var tracked) || tracked.IsOpen) || here.Values.Any(i => i.IsOpen);
        if (open) return;
        if (invoice.Status != InvoiceStatus.Failed) invoice.Fail(clock.UtcNow);
        await exceptions.RaiseUnlessOpenAsync(new NewProcessException(invoice.OrderId, ProcessExceptionCategory.Payment, ProcessExceptionSeverity.High,
            $"Invoice {invoice.Id}: the order's payments could not cover {invoice.Balance} {invoice.CurrencyCode} of {invoice.TotalAmount}. " +
            "Add an authorization (POST /orders/{id}/payments) and retry.", RetryReference: InvoiceRetryReference(invoice.Id)), actor, cancellationToken);
    }

    /// <summary>
    /// A refund of excess funds given up on for want of an outcome: a person looks (the money may or may not have gone
    /// back); the retry runs ensure-refunds, which asks the gateway again with the same key before refunding anything new.
    /// </summary>
    private Task RaiseExcessRefundUnknownAsync(Order order, string actor, CancellationToken cancellationToken) =>
        exceptions.RaiseUnlessOpenAsync(new NewProcessException(order.Id, ProcessExceptionCategory.Refund, ProcessExceptionSeverity.High,
            $"Order {order.OrderNumber}: a refund of excess funds was declined or got no outcome in time. Retry this exception to refund it again.",
            RetryReference: ExcessFundsRefunds.RetryReference(order.Id)), actor, cancellationToken);

    /// <summary>Money changes of one order happen one at a time (PostgreSQL; SQLite has one writer anyway).</summary>
    public static async Task LockOrderAsync(WaybillDb db, string orderId, CancellationToken cancellationToken)
    {
        if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE id = {orderId} FOR UPDATE", cancellationToken);
    }
}
