using Waybill.Domain.Orders;

namespace Waybill.Server.Payments.Gateways;

/// <summary>
/// The built-in <c>exchange</c> gateway (decision 0037): an exchange order's <c>exchange_credit</c> payment is the value of
/// units returned on its original order, already "captured" when the exchange order is created. Nothing leaves Waybill,
/// so voids succeed at once. A capture is declined: the credit was captured when the exchange order was made (and the
/// gateway's name is refused at capture and on added payments, so no other payment can claim it). A refund is declined
/// too: money owed back on an exchange order (the replacement returned, the exchange order canceled) cannot go back as
/// credit nobody holds — so ensure-refunds moves on to the order's other payments, and when none can take it raises a
/// refund process exception for an agent, instead of reporting a refund that moved no money (review of session 6).
/// </summary>
public sealed class ExchangeCreditGateway(ILogger<ExchangeCreditGateway> log) : IPaymentGateway
{
    public string Name => Exchange.Gateway;

    public Task<GatewayAnswer> CaptureAsync(GatewayCall call, CancellationToken cancellationToken) =>
        Decline(call, "Exchange credit is captured when the exchange order is made; nothing more can be captured from it.");

    public Task<GatewayAnswer> RefundAsync(GatewayCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        log.LogWarning("A refund of {Amount} {Currency} was asked of exchange credit {PaymentReference}; declined: an agent settles it with the customer.",
            call.Amount, call.Currency, call.PaymentReference);
        return Decline(call, "Exchange credit cannot be refunded to anyone: settle what is owed with the customer (the original order's payments).");
    }

    private static Task<GatewayAnswer> Decline(GatewayCall call, string message)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Task.FromResult(new GatewayAnswer(GatewayResult.Declined, null, message, "exchange_credit"));
    }

    public Task<GatewayAnswer> VoidAsync(GatewayCall call, CancellationToken cancellationToken) => Succeed("void", call);

    /// <summary>Nothing outside Waybill speaks for this gateway: every notification is refused.</summary>
    public GatewayNotification? ReadNotification(IReadOnlyDictionary<string, string> headers, string body) => null;

    private static Task<GatewayAnswer> Succeed(string what, GatewayCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Task.FromResult(new GatewayAnswer(GatewayResult.Success, $"{what}:{call.IdempotencyKey}", "Exchange credit: nothing leaves Waybill."));
    }
}
