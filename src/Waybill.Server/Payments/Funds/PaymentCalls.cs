using Waybill.Domain.Payments;
using Waybill.Server.Payments.Gateways;

namespace Waybill.Server.Payments.Funds;

/// <summary>A gateway call to make: the interaction logged for it (its id is the idempotency key) and what to send.</summary>
public sealed record PaymentCallRequest(string OrderId, string InteractionId, string PaymentId, string Gateway, PaymentInteractionType Type, GatewayCall Call);

public sealed record PaymentCallAnswer(PaymentCallRequest Request, GatewayAnswer Answer);

/// <summary>
/// Makes gateway calls — never inside a database transaction (domain.md "Payments"): all of a batch at once, so a
/// gateway's latency is paid once per batch, not once per call. Every outcome comes back as an answer, an unknown
/// gateway and a gateway's own fault included, so the caller always has something to record.
/// </summary>
public sealed class PaymentCalls(IEnumerable<IPaymentGateway> gateways, ILogger<PaymentCalls> log)
{
    public async Task<IReadOnlyList<PaymentCallAnswer>> SendAsync(IReadOnlyList<PaymentCallRequest> requests, CancellationToken cancellationToken) =>
        await Task.WhenAll(requests.Select(async r => new PaymentCallAnswer(r, await SendOneAsync(r, cancellationToken))));

    private async Task<GatewayAnswer> SendOneAsync(PaymentCallRequest request, CancellationToken cancellationToken)
    {
        var gateway = gateways.FirstOrDefault(g => g.Name == request.Gateway);
        if (gateway is null) return new GatewayAnswer(GatewayResult.Error, null, $"Waybill has no payment gateway named '{request.Gateway}'.", "unknown_gateway");
        try
        {
            return request.Type switch
            {
                PaymentInteractionType.Capture => await gateway.CaptureAsync(request.Call, cancellationToken),
                PaymentInteractionType.Refund => await gateway.RefundAsync(request.Call, cancellationToken),
                PaymentInteractionType.Void => await gateway.VoidAsync(request.Call, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(request), $"No gateway call is made for a {request.Type}."),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The gateway promises answers, not exceptions; should one slip through, the call is an error to record, not a lost one.
            log.LogError(ex, "Gateway {Gateway} failed on {Type} {Interaction}.", request.Gateway, request.Type, request.InteractionId);
            return new GatewayAnswer(GatewayResult.Error, null, ex.Message, "gateway_fault");
        }
    }

    /// <summary>
    /// The call may or may not have moved money: the gateway timed out, could not be reached after the retries, or the
    /// adapter failed. Such a call stays open — recorded as neither success nor failure — and is asked again with the
    /// same key (the settle job); planning a new call instead could move the money twice.
    /// </summary>
    public static bool OutcomeUnknown(GatewayAnswer answer) =>
        answer.Result == GatewayResult.Error && answer.Code is "gateway_timeout" or "gateway_unreachable" or "gateway_fault";

    public static PaymentInteractionResult ResultOf(GatewayResult result) => result switch
    {
        GatewayResult.Success => PaymentInteractionResult.Success,
        GatewayResult.Declined => PaymentInteractionResult.Declined,
        GatewayResult.Pending => PaymentInteractionResult.Pending,
        _ => PaymentInteractionResult.Error,
    };
}
