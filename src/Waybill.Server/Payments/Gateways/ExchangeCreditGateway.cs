using Waybill.Domain.Orders;

namespace Waybill.Server.Payments.Gateways;

/// <summary>
/// The built-in <c>exchange</c> gateway (decision 0037): an exchange order's <c>exchange_credit</c> payment is the value of
/// units returned on its original order, already "captured" when the exchange order is created. Nothing leaves Waybill,
/// so every call succeeds at once; it exists so that ensure-funds, voids and refunds of that payment run the same code as
/// a card's. A refund of it (the exchange order canceled after capture, excess funds) gives no money to anyone by
/// itself: it becomes credit the customer holds on the original order, which an agent settles by hand — so it is logged
/// as a warning naming the payment, and the payment log keeps the interaction.
/// </summary>
public sealed class ExchangeCreditGateway(ILogger<ExchangeCreditGateway> log) : IPaymentGateway
{
    public string Name => Exchange.Gateway;

    public Task<GatewayAnswer> CaptureAsync(GatewayCall call, CancellationToken cancellationToken) => Succeed("capture", call);

    public Task<GatewayAnswer> RefundAsync(GatewayCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        log.LogWarning(
            "Exchange credit {PaymentReference} refunded {Amount} {Currency}: no money moved; the customer is owed it as credit on the original order and an agent must settle it.",
            call.PaymentReference, call.Amount, call.Currency);
        return Succeed("refund", call);
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
