namespace Waybill.Server.Payments.Gateways;

public enum NotificationReceipt
{
    UnknownGateway,
    /// <summary>The signature or its timestamp did not verify (or the body could not be read): nothing was recorded.</summary>
    Unverified,
    Received,
}

/// <summary>
/// What happens to a notification a gateway posts: its gateway checks the signature and reads it, then the
/// <see cref="IPaymentNotificationHandler"/> acts on it. The public endpoint and the mock gateway's own deliveries both
/// come through here, so every delivery exercises the signature check.
/// </summary>
public sealed class PaymentNotificationReceiver(PaymentGateways gateways, IPaymentNotificationHandler handler, ILogger<PaymentNotificationReceiver> log)
{
    public async Task<NotificationReceipt> ReceiveAsync(string gateway, IReadOnlyDictionary<string, string> headers, string body, CancellationToken cancellationToken)
    {
        var payments = gateways.Find(gateway);
        if (payments is null) return NotificationReceipt.UnknownGateway;
        var notification = payments.ReadNotification(headers, body);
        if (notification is null)
        {
            log.LogWarning("A notification posted for gateway {Gateway} did not verify and was refused.", gateway);
            return NotificationReceipt.Unverified;
        }
        await handler.HandleAsync(gateway, notification, cancellationToken);
        return NotificationReceipt.Received;
    }
}
