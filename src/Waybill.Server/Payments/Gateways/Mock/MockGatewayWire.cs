using Waybill.Domain.Payments.Mock;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>The body of <c>POST /v1/captures</c>, <c>/v1/refunds</c> and <c>/v1/voids</c> on the mock's JSON API.</summary>
public sealed record MockGatewayRequest(string? PaymentReference, decimal? Amount, string? Currency);

/// <summary>Every answer of the mock's JSON API: <c>result</c> is <c>success|declined|error|pending</c>.</summary>
public sealed record MockGatewayAnswer(GatewayResult Result, string? Reference, string? Message, string? Code)
{
    public static MockGatewayAnswer Of(MockGatewayOperation operation) => new(
        operation.Result switch
        {
            MockOperationResult.Success => GatewayResult.Success,
            MockOperationResult.Declined => GatewayResult.Declined,
            MockOperationResult.Pending => GatewayResult.Pending,
            _ => GatewayResult.Error,
        },
        operation.Reference, operation.Message, operation.Code);

    public static MockGatewayAnswer Error(string code, string message) => new(GatewayResult.Error, null, message, code);
}

/// <summary>
/// A notification as the mock posts it (signed with Standard Webhooks headers): <c>type</c> is
/// <c>capture.succeeded|capture.declined|refund.succeeded|refund.declined|dispute.opened|chargeback.created</c>.
/// </summary>
public sealed record MockGatewayNotification(
    string Id, string Type, string? IdempotencyKey, string? PaymentReference, decimal? Amount, string? Currency, string? Reference,
    string? Message, DateTimeOffset OccurredAt)
{
    public static class Types
    {
        public const string CaptureSucceeded = "capture.succeeded";
        public const string CaptureDeclined = "capture.declined";
        public const string RefundSucceeded = "refund.succeeded";
        public const string RefundDeclined = "refund.declined";
        public const string DisputeOpened = "dispute.opened";
        public const string ChargebackCreated = "chargeback.created";
    }

    /// <summary>The outcome of a settled operation, as the notification that reports it.</summary>
    public static MockGatewayNotification Of(string id, MockGatewayOperation operation)
    {
        var succeeded = operation.Result == MockOperationResult.Success;
        var type = (operation.Operation, succeeded) switch
        {
            (MockOperationKind.Capture, true) => Types.CaptureSucceeded,
            (MockOperationKind.Capture, false) => Types.CaptureDeclined,
            (MockOperationKind.Refund, true) => Types.RefundSucceeded,
            (MockOperationKind.Refund, false) => Types.RefundDeclined,
            _ => throw new InvalidOperationException($"The mock sends no notification for a {operation.Operation}."),
        };
        return new MockGatewayNotification(id, type, operation.IdempotencyKey, operation.PaymentReference, operation.Amount, operation.Currency,
            operation.Reference, operation.Message, operation.AnsweredAt ?? operation.CreatedAt);
    }

    /// <summary>
    /// The cardholder's dispute (or their bank's chargeback) of a capture, for the whole captured amount: what
    /// <c>auth_dispute_</c> and <c>auth_chargeback_</c> script. Not tied to the capture's key — a dispute names the payment.
    /// </summary>
    public static MockGatewayNotification Disputing(string id, MockGatewayOperation capture, MockNotice notice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var (type, prefix, message) = notice switch
        {
            MockNotice.Dispute => (Types.DisputeOpened, "mock_dsp_", "The cardholder disputes the charge: fraudulent."),
            MockNotice.Chargeback => (Types.ChargebackCreated, "mock_cbk_", "The cardholder's bank charged the payment back: fraudulent."),
            _ => throw new ArgumentOutOfRangeException(nameof(notice), "Only a dispute or a chargeback disputes a capture."),
        };
        return new MockGatewayNotification(id, type, null, capture.PaymentReference, capture.Amount, capture.Currency, prefix + capture.IdempotencyKey,
            message, now);
    }

    /// <summary>What Waybill makes of it; null for a type it does not know.</summary>
    public GatewayNotification? ToGatewayNotification()
    {
        (GatewayNotificationKind Kind, GatewayResult? Result)? read = Type switch
        {
            Types.CaptureSucceeded => (GatewayNotificationKind.CaptureResult, GatewayResult.Success),
            Types.CaptureDeclined => (GatewayNotificationKind.CaptureResult, GatewayResult.Declined),
            Types.RefundSucceeded => (GatewayNotificationKind.RefundResult, GatewayResult.Success),
            Types.RefundDeclined => (GatewayNotificationKind.RefundResult, GatewayResult.Declined),
            Types.DisputeOpened => (GatewayNotificationKind.Dispute, null),
            Types.ChargebackCreated => (GatewayNotificationKind.Chargeback, null),
            _ => null,
        };
        if (read is not { } known || string.IsNullOrEmpty(Id)) return null;
        return new GatewayNotification(Id, known.Kind, IdempotencyKey, PaymentReference, known.Result, Amount, Currency, Reference, Message, OccurredAt);
    }
}
