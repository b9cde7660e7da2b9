using Waybill.Server.Payments.Gateways;

namespace Waybill.Server.Payments.Funds;

/// <summary>What one round's plan decided: the calls to make now (none: done), and what to answer if this is the last round.</summary>
public sealed record PaymentRoundPlan<T>(string OrderId, IReadOnlyList<PaymentCallRequest> Calls, T Result);

/// <summary>
/// The loop ensure-funds and ensure-refunds share (decision 0030): plan in a transaction, call the gateway with no
/// transaction open, settle in a transaction — again, leaving out each payment that declined or errored, until a plan
/// makes no call. Every round plans from what the database says then, so a crash or a concurrent caller between rounds
/// is seen, not overwritten.
/// </summary>
public sealed class PaymentRounds(IServiceScopeFactory scopes)
{
    /// <param name="plan">Plans a round given the payments left out so far (it may add to them: a payment it refuses itself).</param>
    public async Task<T> RunAsync<T>(Func<HashSet<string>, int, Task<PaymentRoundPlan<T>>> plan, string actor, CancellationToken cancellationToken)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; ; round++)
        {
            var planned = await plan(excluded, round);
            if (planned.Calls.Count == 0) return planned.Result;
            IReadOnlyList<PaymentCallAnswer> answers;
            await using (var scope = scopes.CreateAsyncScope())
                answers = await scope.ServiceProvider.GetRequiredService<PaymentCalls>().SendAsync(planned.Calls, cancellationToken);
            await using (var scope = scopes.CreateAsyncScope())
            {
                // A call whose outcome is unknown stays open for the settle job to ask again with its key.
                var outcomes = answers.Where(a => !PaymentCalls.OutcomeUnknown(a.Answer)).Select(a => new PaymentOutcome(a.Request.InteractionId,
                    PaymentCalls.ResultOf(a.Answer.Result), a.Answer.GatewayReference, a.Answer.Message, a.Answer.Code)).ToList();
                await scope.ServiceProvider.GetRequiredService<PaymentSettlement>().SettleAsync(planned.OrderId, outcomes, actor, conclude: false, cancellationToken);
            }
            // Left out of the next rounds of this run: declined, failed, or (unknown) still open.
            foreach (var answer in answers.Where(a => a.Answer.Result is GatewayResult.Declined or GatewayResult.Error))
                excluded.Add(answer.Request.PaymentId);
        }
    }
}
