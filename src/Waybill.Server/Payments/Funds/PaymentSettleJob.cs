using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Funds;

/// <summary>
/// The safety net under every gateway call: due well after the call should have been answered, it asks again — with
/// the same idempotency key, so the gateway answers with what it did the first time — for each call still unanswered
/// (the node died between logging the call and recording its answer). Normally every call is answered by then and the
/// job does nothing. A call answered "pending" waits for its notification instead.
/// </summary>
public sealed class PaymentSettleJob(WaybillDb db, PaymentCalls calls, PaymentSettlement settlement) : IJobHandler
{
    public string Kind => PaymentRequests.SettleJobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var payload = job.PayloadAs<PaymentRequests.SettlePayload>();
        var unanswered = await db.PaymentInteractions.AsNoTracking()
            .Where(i => payload.InteractionIds.Contains(i.Id) && !i.Answered && i.Result == PaymentInteractionResult.Pending)
            .ToListAsync(cancellationToken);
        if (unanswered.Count == 0) return;
        var currency = await db.Orders.Where(o => o.Id == payload.OrderId).Select(o => o.CurrencyCode).FirstAsync(cancellationToken);
        var paymentIds = unanswered.Select(i => i.PaymentId).ToList();
        var references = await db.PaymentSummaries.Where(p => paymentIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.GatewayReference ?? "", cancellationToken);
        var requests = unanswered.Select(i => new PaymentCallRequest(i.OrderId, i.Id, i.PaymentId!, i.Gateway, i.Type,
            new GatewayCall(i.Id, references.GetValueOrDefault(i.PaymentId!, ""), i.Amount, currency))).ToList();
        var answers = await calls.SendAsync(requests, cancellationToken);
        var known = answers.Where(a => !PaymentCalls.OutcomeUnknown(a.Answer)).ToList();
        if (known.Count > 0)
        {
            await settlement.SettleAsync(payload.OrderId, [.. known.Select(a => new PaymentOutcome(a.Request.InteractionId,
                PaymentCalls.ResultOf(a.Answer.Result), a.Answer.GatewayReference, a.Answer.Message, a.Answer.Code))], "job:" + Kind, conclude: true, cancellationToken);
        }
        // Still no word from the gateway: the job is tried again with backoff, with the same keys.
        if (known.Count < answers.Count)
            throw new InvalidOperationException($"The gateway still gave no outcome for {answers.Count - known.Count} call(s) of order {payload.OrderId}; asking again later.");
    }
}
