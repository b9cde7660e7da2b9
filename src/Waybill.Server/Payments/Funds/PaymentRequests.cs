using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Funds;

/// <param name="Open">The order's calls still open (captures, refunds, voids), with the ones asked again.</param>
/// <param name="AskedAgain">This target's given-up refunds, to be called again with their keys.</param>
/// <param name="Pending">What this target's refunds under way will bring.</param>
/// <param name="Available">What each payment can still take back for it.</param>
public sealed record RefundStart(IReadOnlyList<OpenCall> Open, IReadOnlyList<PaymentCallRequest> AskedAgain, decimal Pending,
    IReadOnlyList<PaymentAvailability> Available);

/// <summary>A call still open on a payment: unanswered, or answered pending.</summary>
public sealed record OpenCall(PaymentInteractionType Type, string? PaymentId, string? InvoiceId, string? CreditMemoId, decimal Amount);

/// <summary>
/// Turns a plan's draws into gateway calls in the plan's unit of work: each a pending interaction (its id the
/// idempotency key), and one <c>payments.settle</c> job naming them all — the safety net should this node die before
/// their answers are recorded (decision 0030).
/// </summary>
public sealed class PaymentRequests(WaybillDb db, IIdGenerator ids, JobScheduler jobs, IOptions<PaymentOptions> options)
{
    public const string SettleJobKind = "payments.settle";

    public sealed record SettlePayload(string OrderId, List<string> InteractionIds);

    /// <summary>The order's calls still open (captures and refunds): what they will bring is not asked for again.</summary>
    public async Task<IReadOnlyList<OpenCall>> OpenAsync(string orderId, CancellationToken cancellationToken) =>
        await db.PaymentInteractions.AsNoTracking()
            .Where(i => i.OrderId == orderId && i.Result == PaymentInteractionResult.Pending)
            .Select(i => new OpenCall(i.Type, i.PaymentId, i.InvoiceId, i.CreditMemoId, i.Amount)).ToListAsync(cancellationToken);

    public IReadOnlyList<PaymentCallRequest> Request(Order order, IEnumerable<PaymentDraw> draws, PaymentInteractionType type, string? invoiceId,
        string? creditMemoId, DateTimeOffset now)
    {
        var interactions = new List<PaymentInteraction>();
        foreach (var draw in draws)
        {
            var payment = order.Payment(draw.PaymentId);
            var interaction = PaymentInteraction.Requested(ids.NewId(), order.Id, payment.Id, payment.Gateway, type, draw.Amount, invoiceId, creditMemoId, now);
            db.PaymentInteractions.Add(interaction);
            interactions.Add(interaction);
        }
        return Calls(order, interactions, now);
    }

    /// <summary>
    /// Where refunds for one target — a credit memo, or the order's excess funds (<paramref name="creditMemoId"/> null) — start
    /// from, read once for the round: the order's open calls; this target's refunds given up for want of an outcome, asked
    /// again with their own keys (they may have sent the money back: under way again, never a second refund); what each
    /// payment can still refund, less the refunds under way and the other targets' given-up refunds (their money may be
    /// gone too). Refunds are never asked of an excluded payment.
    /// </summary>
    public async Task<RefundStart> StartRefundsAsync(Order order, string? creditMemoId, IReadOnlySet<string> excluded, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(excluded);
        var open = (await OpenAsync(order.Id, cancellationToken)).ToList();
        var givenUp = await db.PaymentInteractions
            .Where(i => i.OrderId == order.Id && i.Type == PaymentInteractionType.Refund
                        && i.Result == PaymentInteractionResult.Error && i.Code == PaymentInteraction.NoOutcomeCode)
            .ToListAsync(cancellationToken);
        var askedAgain = AskAgain(order, givenUp.Where(i => i.CreditMemoId == creditMemoId), now);
        open.AddRange(askedAgain.Select(c => new OpenCall(c.Type, c.PaymentId, null, creditMemoId, c.Call.Amount)));
        var refunds = open.Where(o => o.Type == PaymentInteractionType.Refund).ToList();
        var othersGivenUp = givenUp.Where(i => i.CreditMemoId != creditMemoId).ToList();
        var available = order.Payments.Where(p => !excluded.Contains(p.Id))
            .Select(p => new PaymentAvailability(p.Id, p.AvailableToRefund - refunds.Where(o => o.PaymentId == p.Id).Sum(o => o.Amount)
                                                       - othersGivenUp.Where(g => g.PaymentId == p.Id).Sum(g => g.Amount)))
            .Where(a => a.Available > 0).ToList();
        return new RefundStart(open, askedAgain, refunds.Where(o => o.CreditMemoId == creditMemoId).Sum(o => o.Amount), available);
    }

    /// <summary>
    /// The calls given up on for want of an outcome (<see cref="PaymentInteraction.IsGivenUp"/>) among
    /// <paramref name="interactions"/> (tracked), asked again with their own keys: the gateway answers with what it did
    /// the first time, so a later try can never capture or refund twice where a new call could.
    /// </summary>
    public IReadOnlyList<PaymentCallRequest> AskAgain(Order order, IEnumerable<PaymentInteraction> interactions, DateTimeOffset now) =>
        Calls(order, [.. interactions.Where(i => i.AskAgain(now))], now);

    /// <summary>The open interactions (their ids are the keys) as calls to make, with the settle job as their safety net.</summary>
    private List<PaymentCallRequest> Calls(Order order, IReadOnlyList<PaymentInteraction> interactions, DateTimeOffset now)
    {
        var calls = interactions.Select(i =>
        {
            var payment = order.Payment(i.PaymentId!);
            return new PaymentCallRequest(order.Id, i.Id, payment.Id, payment.Gateway, i.Type,
                new GatewayCall(i.Id, payment.GatewayReference ?? "", i.Amount, order.CurrencyCode));
        }).ToList();
        if (calls.Count > 0) ScheduleSettle(order.Id, calls.Select(c => c.InteractionId), now + options.Value.SettleAfter);
        return calls;
    }

    public void ScheduleSettle(string orderId, IEnumerable<string> interactionIds, DateTimeOffset dueAt) =>
        jobs.Schedule(SettleJobKind, new SettlePayload(orderId, [.. interactionIds]), dueAt, orderId);
}
