namespace Waybill.Server.Payments.Gateways;

/// <summary>
/// Stands in until the payments module registers the handler that applies notifications to orders: a verified
/// notification is logged and acknowledged, nothing else.
/// </summary>
public sealed class LoggingPaymentNotificationHandler(ILogger<LoggingPaymentNotificationHandler> log) : IPaymentNotificationHandler
{
    public Task HandleAsync(string gateway, GatewayNotification notification, CancellationToken cancellationToken)
    {
        log.LogInformation("Payment notification {NotificationId} from {Gateway}: {Kind} {Result} for {PaymentReference} (key {IdempotencyKey}).",
            notification.NotificationId, gateway, notification.Kind, notification.Result, notification.PaymentReference, notification.IdempotencyKey);
        return Task.CompletedTask;
    }
}
