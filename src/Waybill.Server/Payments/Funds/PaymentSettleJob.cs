using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Funds;

/// <summary>
/// The safety net under every gateway call: due well after the call should have been answered, it asks again — with
/// the same idempotency key, so the gateway answers with what it did the first time — for each call still without an
/// outcome: unanswered (the node died between logging the call and recording its answer, or the gateway stayed silent)
/// or answered pending (its notification may be late, or lost). Normally every call is settled by then and the job does
/// nothing. A call still without an outcome is looked at again later, each wait as long as the call has waited so far;
/// past <see cref="PaymentOptions.PendingDeadline"/> it is given up on — an error with code <c>no_outcome</c> — and its
/// invoice concluded (failed, with a payment process exception). A later try asks again with the same key, never anew.
/// </summary>
public sealed class PaymentSettleJob(
    WaybillDb db, PaymentCalls calls, PaymentSettlement settlement, PaymentRequests requests, RequestCommit commit, IClock clock,
    IOptions<PaymentOptions> options, ILogger<PaymentSettleJob> log) : IJobHandler
{
    public string Kind => PaymentRequests.SettleJobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var payload = job.PayloadAs<PaymentRequests.SettlePayload>();
        var open = await db.PaymentInteractions.AsNoTracking()
            .Where(i => payload.InteractionIds.Contains(i.Id) && i.Result == PaymentInteractionResult.Pending)
            .ToListAsync(cancellationToken);
        if (open.Count == 0) return;
        var currency = await db.Orders.Where(o => o.Id == payload.OrderId).Select(o => o.CurrencyCode).FirstAsync(cancellationToken);
        var paymentIds = open.Select(i => i.PaymentId).ToList();
        var references = await db.PaymentSummaries.Where(p => paymentIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.GatewayReference ?? "", cancellationToken);
        var asked = open.Select(i => new PaymentCallRequest(i.OrderId, i.Id, i.PaymentId!, i.Gateway, i.Type,
            new GatewayCall(i.Id, references.GetValueOrDefault(i.PaymentId!, ""), i.Amount, currency))).ToList();
        var answers = await calls.SendAsync(asked, cancellationToken);

        var now = clock.UtcNow;
        var deadline = options.Value.PendingDeadline;
        var outcomes = new List<PaymentOutcome>();
        var waiting = new List<PaymentInteraction>();
        foreach (var (interaction, answer) in open.Zip(answers.Select(a => a.Answer)))
        {
            var unknown = PaymentCalls.OutcomeUnknown(answer);
            // A first answer of pending is recorded too: the call is answered, its outcome still open.
            if (!unknown && (answer.Result != GatewayResult.Pending || !interaction.Answered))
                outcomes.Add(new PaymentOutcome(interaction.Id, PaymentCalls.ResultOf(answer.Result), answer.GatewayReference, answer.Message, answer.Code));
            if (!unknown && answer.Result != GatewayResult.Pending) continue;
            if (interaction.IsPastDeadline(deadline, now))
            {
                log.LogError("Payment call {Interaction} ({Type} of {Amount} {Currency} on payment {Payment}, order {Order}, gateway {Gateway}) has had no outcome " +
                    "since {Since:O}, past the pending deadline of {Deadline}: it is given up on as an error with code {Code} and its invoice concluded. " +
                    "The gateway may still move the money: its late outcome is taken, and the next try asks again with the same key.",
                    interaction.Id, StatusNames.Of(interaction.Type), interaction.Amount, currency, interaction.PaymentId, interaction.OrderId, interaction.Gateway,
                    interaction.At, deadline, PaymentInteraction.NoOutcomeCode);
                outcomes.RemoveAll(o => o.InteractionId == interaction.Id);
                outcomes.Add(new PaymentOutcome(interaction.Id, PaymentInteractionResult.Error, null, PaymentInteraction.NoOutcomeMessage(deadline),
                    PaymentInteraction.NoOutcomeCode));
            }
            else waiting.Add(interaction);
        }
        if (outcomes.Count > 0)
            await settlement.SettleAsync(payload.OrderId, outcomes, "job:" + Kind, conclude: true, cancellationToken);
        if (waiting.Count == 0) return;

        // Asked again later, each wait as long as the calls have waited so far (so a long silence costs few calls), and
        // never past the deadline of the first of them.
        var since = waiting.Min(i => i.At);
        var wait = now - since > options.Value.SettleAfter ? now - since : options.Value.SettleAfter;
        var dueAt = now + wait < since + deadline ? now + wait : since + deadline;
        await commit.InTransactionAsync(async () =>
        {
            requests.ScheduleSettle(payload.OrderId, waiting.Select(i => i.Id), dueAt);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }
}
