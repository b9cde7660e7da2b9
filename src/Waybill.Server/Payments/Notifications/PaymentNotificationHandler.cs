using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Notifications;

/// <summary>
/// What a verified gateway notification does: the outcome of a pending capture or refund is settled like an answer
/// (the invoice is paid; a declined capture hands the invoice to ensure-funds again without the payments that declined
/// it, which fails it with a process exception only when nothing else can pay — decision 0033); a dispute or a chargeback is logged on the order and
/// raises a payment process exception for a person. Every notification is logged once — a repeat (gateways deliver at
/// least once) is recognised by its id and changes nothing.
/// </summary>
public sealed class PaymentNotificationHandler(WaybillDb db, PaymentSettlement settlement, RequestCommit commit, ProcessExceptions exceptions,
    IClock clock, ILogger<PaymentNotificationHandler> log) : IPaymentNotificationHandler
{
    public async Task HandleAsync(string gateway, GatewayNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var logId = $"{gateway}:{notification.NotificationId}";
        var actor = "gateway:" + gateway;
        if (notification.Kind is GatewayNotificationKind.CaptureResult or GatewayNotificationKind.RefundResult)
        {
            var call = notification.IdempotencyKey is { } key
                ? await db.PaymentInteractions.AsNoTracking().FirstOrDefaultAsync(i => i.Id == key && i.Gateway == gateway, cancellationToken)
                : null;
            if (call is null)
            {
                log.LogWarning("Gateway {Gateway} notified {Notification} about a call Waybill did not make ({Key}); ignored.", gateway, notification.NotificationId, notification.IdempotencyKey);
                return;
            }
            var result = notification.Result == GatewayResult.Success ? PaymentInteractionResult.Success : PaymentInteractionResult.Declined;
            var logged = PaymentInteraction.Notified(logId, call.OrderId, call.PaymentId, gateway, notification.Amount ?? call.Amount,
                notification.GatewayReference, notification.Message, $"{Domain.Common.StatusNames.Of(notification.Kind)}:{Domain.Common.StatusNames.Of(result)}", clock.UtcNow);
            await settlement.SettleAsync(call.OrderId, [new PaymentOutcome(call.Id, result, notification.GatewayReference, notification.Message, null)],
                actor, conclude: true, cancellationToken, logged);
            return;
        }

        var payment = await db.PaymentSummaries.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Gateway == gateway && p.GatewayReference == notification.PaymentReference, cancellationToken);
        if (payment is null)
        {
            log.LogWarning("Gateway {Gateway} notified a {Kind} for payment reference {Reference}, which no order has; ignored.", gateway, notification.Kind, notification.PaymentReference);
            return;
        }
        await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, payment.OrderId, cancellationToken);
            if (await db.PaymentInteractions.AnyAsync(i => i.Id == logId, cancellationToken)) return false;
            var what = notification.Kind == GatewayNotificationKind.Dispute ? "dispute" : "chargeback";
            db.PaymentInteractions.Add(PaymentInteraction.Notified(logId, payment.OrderId, payment.Id, gateway, notification.Amount ?? 0m,
                notification.GatewayReference, notification.Message, what, clock.UtcNow));
            exceptions.Raise(new NewProcessException(payment.OrderId, ProcessExceptionCategory.Payment, ProcessExceptionSeverity.High,
                $"The customer's bank opened a {what} on payment {payment.Id} ({payment.GatewayReference}) for {notification.Amount} {notification.Currency}: " +
                (notification.Message ?? "no reason given") + ".", Priority: null), actor);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }
}
