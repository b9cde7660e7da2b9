using Waybill.Domain.Common;

namespace Waybill.Domain.Payments.Mock;

public enum MockOperationKind
{
    Capture,
    Refund,
    Void,
}

public enum MockOperationResult
{
    Success,
    Declined,
    /// <summary>Accepted; settled later by the mock's notification job.</summary>
    Pending,
}

/// <summary>What the mock reports about an operation later, as a signed notification.</summary>
public enum MockNotice
{
    /// <summary>The outcome of an operation answered <c>pending</c>.</summary>
    Result,
    /// <summary>The cardholder disputes a capture.</summary>
    Dispute,
    /// <summary>The cardholder's bank takes a capture back.</summary>
    Chargeback,
}

/// <summary>What one try of a request comes to on the wire.</summary>
public enum MockTryOutcome
{
    /// <summary>The mock answers 503 and does nothing (a flaky provider).</summary>
    Unavailable,
    /// <summary>The operation's answer goes back to the caller.</summary>
    Answered,
    /// <summary>The work is done and recorded, but the answer never reaches the caller (connection reset).</summary>
    AnswerLost,
}

/// <summary>
/// One request the mock gateway received, under its idempotency key: the mock's ledger row. Every try of the request
/// finds it again, so the work is done once and a repeat gets the first answer.
/// </summary>
public sealed class MockGatewayOperation
{
    public const int KeyMaxLength = 255;
    public const int ReferenceMaxLength = 255;

    private MockGatewayOperation() { }

    public string IdempotencyKey { get; private set; } = "";
    public MockOperationKind Operation { get; private set; }
    /// <summary>The authorization's reference: what the mock's script and its refund check go by.</summary>
    public string PaymentReference { get; private set; } = "";
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>Null until a try did the work (a flaky provider's failed tries leave it unanswered).</summary>
    public MockOperationResult? Result { get; private set; }
    /// <summary>The mock's own id for the capture, refund or void.</summary>
    public string? Reference { get; private set; }
    public string? Message { get; private set; }
    public string? Code { get; private set; }
    /// <summary>How many tries of this request reached the mock, repeats included.</summary>
    public int Tries { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When the outcome was decided (for a pending one, when it settled).</summary>
    public DateTimeOffset? AnsweredAt { get; private set; }

    public bool IsAnswered => Result is not null;
    public MockGatewayBehaviour Behaviour => MockGatewayScript.Of(PaymentReference);

    /// <summary>The first try of a request.</summary>
    public static MockGatewayOperation Receive(string idempotencyKey, MockOperationKind operation, string paymentReference, decimal amount,
        string currency, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(idempotencyKey) || idempotencyKey.Length > KeyMaxLength)
            errors.Add("idempotencyKey", $"An idempotency key is 1 to {KeyMaxLength} characters.");
        if (string.IsNullOrEmpty(paymentReference) || paymentReference.Length > ReferenceMaxLength)
            errors.Add("paymentReference", $"A payment reference is 1 to {ReferenceMaxLength} characters.");
        if (amount <= 0) errors.Add("amount", "The amount is more than zero.");
        if (!Common.Currency.TryFind(currency, out _)) errors.Add("currency", "Not an ISO 4217 currency code.");
        errors.ThrowIfAny();
        return new MockGatewayOperation
        {
            IdempotencyKey = idempotencyKey,
            Operation = operation,
            PaymentReference = paymentReference,
            Amount = amount,
            Currency = currency,
            Tries = 1,
            CreatedAt = now,
        };
    }

    /// <summary>Whether a repeat of the key asks for the same thing; another request under a used key is refused.</summary>
    public bool IsSameRequest(MockOperationKind operation, string paymentReference, decimal amount, string currency) =>
        Operation == operation && PaymentReference == paymentReference && Amount == amount && Currency == currency;

    /// <summary>Another try of the same request arrived.</summary>
    public void TryAgain() => Tries++;

    /// <summary>
    /// Does the work of this try, or repeats the first answer. <paramref name="refundable"/> is what the mock captured
    /// for the payment reference less what it refunded or promised to refund: its own check, independent of Waybill's.
    /// </summary>
    public MockTryOutcome Perform(string reference, decimal refundable, DateTimeOffset now)
    {
        if (IsAnswered) return MockTryOutcome.Answered;
        var behaviour = Behaviour;
        if (behaviour == MockGatewayBehaviour.Flaky && Tries <= MockGatewayScript.FlakyFailures) return MockTryOutcome.Unavailable;

        if (behaviour == MockGatewayBehaviour.Decline)
            Decide(MockOperationResult.Declined, null, "The card was declined.", "card_declined", now);
        else if (behaviour == MockGatewayBehaviour.Expired)
            Decide(MockOperationResult.Declined, null, "The authorization has expired.", "authorization_expired", now);
        else if (Operation == MockOperationKind.Refund && Amount > refundable)
            Decide(MockOperationResult.Declined, null,
                $"A refund of {Amount} is more than the {Math.Max(refundable, 0)} captured and not yet refunded.", "amount_exceeds_captured", now);
        // There is no notification for a void: an asynchronous provider still answers a void at once.
        else if (behaviour is MockGatewayBehaviour.Async or MockGatewayBehaviour.AsyncDecline && Operation != MockOperationKind.Void)
            Decide(MockOperationResult.Pending, reference, "Accepted; the result follows as a notification.", null, now);
        else
            Decide(MockOperationResult.Success, reference, null, null, now);

        return behaviour == MockGatewayBehaviour.Timeout && Tries == 1 ? MockTryOutcome.AnswerLost : MockTryOutcome.Answered;
    }

    /// <summary>
    /// The pending outcome arrives: the mock's notification job settles it — declined for <c>auth_async_decline_</c>,
    /// done otherwise. False when it was settled already.
    /// </summary>
    public bool Settle(DateTimeOffset now)
    {
        if (Result != MockOperationResult.Pending) return false;
        if (Behaviour == MockGatewayBehaviour.AsyncDecline)
        {
            Decide(MockOperationResult.Declined, Reference, "The card was declined.", "card_declined", now);
            return true;
        }
        Result = MockOperationResult.Success;
        Message = null;
        AnsweredAt = now;
        return true;
    }

    /// <summary>
    /// The notification the mock owes for this operation once answered, if any: the result of a pending one, or the
    /// dispute or chargeback its script (<c>auth_dispute_</c>, <c>auth_chargeback_</c>) holds for a capture.
    /// </summary>
    public MockNotice? NoticeToSend => Result switch
    {
        MockOperationResult.Pending => MockNotice.Result,
        _ when Captured && Behaviour == MockGatewayBehaviour.Dispute => MockNotice.Dispute,
        _ when Captured && Behaviour == MockGatewayBehaviour.Chargeback => MockNotice.Chargeback,
        _ => null,
    };

    /// <summary>Counts towards what was captured.</summary>
    public bool Captured => Operation == MockOperationKind.Capture && Result == MockOperationResult.Success;

    /// <summary>Counts against what may still be refunded: a pending refund is a promise the mock keeps.</summary>
    public bool RefundedOrPromised => Operation == MockOperationKind.Refund && Result is MockOperationResult.Success or MockOperationResult.Pending;

    private void Decide(MockOperationResult result, string? reference, string? message, string? code, DateTimeOffset now)
    {
        Result = result;
        Reference = reference;
        Message = message;
        Code = code;
        AnsweredAt = now;
    }
}
