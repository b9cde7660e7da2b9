using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Payments.Mock;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>
/// The job (<c>mock_gateway.notification</c>) that delivers a pending operation's result — it settles the ledger row
/// first — or the dispute or chargeback the script holds for a capture (<c>auth_dispute_</c>, <c>auth_chargeback_</c>). It signs the notification with the mock's secret and hands headers and body to the same receiver the public
/// endpoint uses — the mock has no listener of its own to post from, and this way every delivery passes the signature
/// check (docs/decisions/0031). At least once: a repeat run finds the row settled and delivers the same notification id.
/// </summary>
public sealed class MockGatewayNotifications(
    WaybillDb db, RequestCommit commit, MockGatewayProcessor processor, PaymentNotificationReceiver receiver, MockGatewaySecret secret,
    IClock clock) : IJobHandler
{
    public const string JobKind = "mock_gateway.notification";

    /// <param name="NotificationId">Fixed when the job is scheduled, so a repeat delivery is recognisable by its id.</param>
    /// <param name="Notice">What to report; null (jobs scheduled before disputes could be scripted) is the pending result.</param>
    public sealed record Payload(string IdempotencyKey, string NotificationId, MockNotice? Notice = null);

    public string Kind => JobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var payload = job.PayloadAs<Payload>();
        var operation = await commit.InTransactionAsync(async () =>
        {
            var found = await db.MockGatewayOperations.FirstOrDefaultAsync(o => o.IdempotencyKey == payload.IdempotencyKey, cancellationToken)
                ?? throw new JobGiveUpException($"The mock gateway has no operation with the key '{payload.IdempotencyKey}'.");
            await processor.LockAsync(found.PaymentReference, cancellationToken);
            if ((payload.Notice ?? MockNotice.Result) == MockNotice.Result && found.Settle(clock.UtcNow)) await db.SaveChangesAsync(cancellationToken);
            return found;
        }, cancellationToken);
        db.ChangeTracker.Clear();

        var notification = (payload.Notice ?? MockNotice.Result) == MockNotice.Result
            ? MockGatewayNotification.Of(payload.NotificationId, operation)
            : MockGatewayNotification.Disputing(payload.NotificationId, operation, payload.Notice!.Value, clock.UtcNow);
        var body = JsonSerializer.Serialize(notification, WaybillJson.Options);
        var timestamp = clock.UtcNow.ToUnixTimeSeconds();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = payload.NotificationId,
            ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.Sign(secret.Value, payload.NotificationId, timestamp, body),
            ["content-type"] = "application/json",
        };
        var receipt = await receiver.ReceiveAsync(MockGateway.GatewayName, headers, body, cancellationToken);
        switch (receipt)
        {
            case NotificationReceipt.UnknownGateway:
                throw new JobGiveUpException("The mock gateway is not registered on this node.");
            case NotificationReceipt.Unverified:
                // Signed and checked with one secret in one process: only a secret changed between the two could do this.
                throw new InvalidOperationException($"The mock gateway's notification {payload.NotificationId} did not verify.");
        }
    }
}
