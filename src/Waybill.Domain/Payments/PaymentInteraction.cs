namespace Waybill.Domain.Payments;

public enum PaymentInteractionType
{
    Authorize,
    Capture,
    Void,
    Refund,
    Notification,
}

public enum PaymentInteractionResult
{
    Success,
    Declined,
    Error,
    /// <summary>Sent and not answered yet, or answered "pending" (the result arrives as a notification).</summary>
    Pending,
}

public static class PaymentEventTypes
{
    public const string Captured = "payment.captured";
    public const string Failed = "payment.failed";
    public const string Refunded = "payment.refunded";
}

/// <summary>
/// One call to a payment gateway, logged on the order (domain.md "Payments"): what was asked, for which invoice or credit
/// memo, and what came back. It is written <em>before</em> the call — its id is the call's idempotency key — so a call
/// whose answer was lost (a timeout, a crash) is asked again with the same key and can never move money twice.
/// </summary>
public sealed class PaymentInteraction
{
    private PaymentInteraction() { }

    /// <summary>Also the idempotency key the gateway sees.</summary>
    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    /// <summary>The payment summary the call was about (null for a notification nobody could match).</summary>
    public string? PaymentId { get; private set; }
    public string Gateway { get; private set; } = "";
    public PaymentInteractionType Type { get; private set; }
    public decimal Amount { get; private set; }
    public PaymentInteractionResult Result { get; private set; }
    /// <summary>False while the call is sent and unanswered; a pending answer is answered, its outcome still open.</summary>
    public bool Answered { get; private set; }
    public string? GatewayReference { get; private set; }
    public string? Message { get; private set; }
    public string? Code { get; private set; }
    public string? InvoiceId { get; private set; }
    public string? CreditMemoId { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public DateTimeOffset At { get; private set; }
    public int Version { get; private set; }

    /// <summary>
    /// The code of a call given up on: no outcome came before the pending deadline. Recorded as an error, yet the gateway
    /// may still have moved the money, so its late outcome is still taken and it is asked again — with its own key —
    /// before anything new is planned in its place.
    /// </summary>
    public const string NoOutcomeCode = "no_outcome";

    /// <summary>True while money may still move because of this call: unanswered, or answered pending.</summary>
    public bool IsOpen => Result == PaymentInteractionResult.Pending;

    /// <summary>No outcome came before the deadline (<see cref="NoOutcomeCode"/>): an error for now, not a known failure.</summary>
    public bool IsGivenUp => Result == PaymentInteractionResult.Error && Code == NoOutcomeCode;

    /// <summary>When an open call has waited long enough: <paramref name="deadline"/> after it was sent or last answered pending.</summary>
    public bool IsPastDeadline(TimeSpan deadline, DateTimeOffset now) => IsOpen && now >= At + deadline;

    public static PaymentInteraction Requested(string id, string orderId, string paymentId, string gateway, PaymentInteractionType type, decimal amount,
        string? invoiceId, string? creditMemoId, DateTimeOffset now) => new()
    {
        Id = id, OrderId = orderId, PaymentId = paymentId, Gateway = gateway, Type = type, Amount = amount,
        Result = PaymentInteractionResult.Pending, InvoiceId = invoiceId, CreditMemoId = creditMemoId,
        RequestedAt = now, At = now, Version = 1,
    };

    /// <summary>A notification as it arrived (a dispute, a chargeback, or a duplicate), logged as it is.</summary>
    public static PaymentInteraction Notified(string id, string orderId, string? paymentId, string gateway, decimal amount, string? gatewayReference,
        string? message, string? code, DateTimeOffset now) => new()
    {
        Id = id, OrderId = orderId, PaymentId = paymentId, Gateway = gateway, Type = PaymentInteractionType.Notification, Amount = amount,
        Result = PaymentInteractionResult.Success, Answered = true, GatewayReference = gatewayReference, Message = message, Code = code,
        RequestedAt = now, At = now, Version = 1,
    };

    /// <summary>
    /// Records the gateway's answer; false when the call was settled already (a second answer — a retry's, a duplicate
    /// notification — changes nothing).
    /// </summary>
    /// <remarks>A call given up on still takes a final outcome (success or declined): the money it moved is not lost.</remarks>
    public bool Settle(PaymentInteractionResult result, string? gatewayReference, string? message, string? code, DateTimeOffset now)
    {
        var lateOutcome = IsGivenUp && result is PaymentInteractionResult.Success or PaymentInteractionResult.Declined;
        if (!IsOpen && !lateOutcome) return false;
        if (result == PaymentInteractionResult.Pending && Answered) return false;
        Result = result;
        Answered = true;
        GatewayReference = gatewayReference ?? GatewayReference;
        Message = message;
        Code = code;
        At = now;
        Version++;
        return true;
    }

    /// <summary>
    /// Gives up waiting for the outcome of an open call past its deadline: an error with <see cref="NoOutcomeCode"/>.
    /// False when it is not open (settled meanwhile).
    /// </summary>
    public bool GiveUp(TimeSpan deadline, DateTimeOffset now) =>
        IsOpen && Settle(PaymentInteractionResult.Error, null, NoOutcomeMessage(deadline), NoOutcomeCode, now);

    public static string NoOutcomeMessage(TimeSpan deadline) =>
        $"The gateway gave no outcome within {deadline}; the next try asks again with the same key.";

    /// <summary>
    /// A call given up on is sent again with its own id as the key (the gateway answers with what it did the first
    /// time, so the money never moves twice): open again, unanswered. False for any other call.
    /// </summary>
    public bool AskAgain(DateTimeOffset now)
    {
        if (!IsGivenUp) return false;
        Result = PaymentInteractionResult.Pending;
        Answered = false;
        Message = "Asked again with the same key after no outcome came.";
        Code = null;
        At = now;
        Version++;
        return true;
    }
}
