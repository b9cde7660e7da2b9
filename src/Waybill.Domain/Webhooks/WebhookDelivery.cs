using Waybill.Domain.Common;

namespace Waybill.Domain.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>One try at handing the event to the receiver: when, what it answered (null: no answer), why it failed.</summary>
public sealed record WebhookAttempt(DateTimeOffset At, int? StatusCode, string? Error, long DurationMs)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>What the receiver did with one attempt, as the sender saw it.</summary>
public sealed record WebhookAttemptOutcome(int? StatusCode, string? Error, long DurationMs)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// The Standard Webhooks retry schedule: after the first attempt fails, wait 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
/// 10 h — eight attempts over about 28 hours — then give up.
/// </summary>
public sealed class WebhookRetrySchedule
{
    public static readonly WebhookRetrySchedule Standard = new([
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ]);

    public WebhookRetrySchedule(IReadOnlyList<TimeSpan> delays)
    {
        ArgumentNullException.ThrowIfNull(delays);
        if (delays.Any(d => d < TimeSpan.Zero)) throw new ArgumentOutOfRangeException(nameof(delays), "Delays cannot be negative.");
        Delays = [.. delays];
    }

    public IReadOnlyList<TimeSpan> Delays { get; }

    /// <summary>How many attempts a delivery gets in all: the first and one per delay.</summary>
    public int MaxAttempts => Delays.Count + 1;

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failure in a row; null when that was the last attempt.</summary>
    public TimeSpan? DelayAfter(int failedAttempts) =>
        failedAttempts >= 1 && failedAttempts <= Delays.Count ? Delays[failedAttempts - 1] : null;
}

/// <summary>
/// One event on its way to one subscription. Its id is the <c>webhook-id</c> header, the same on every attempt, so a
/// receiver recognises a repeat. The body is fixed when the delivery is made, so every attempt signs the same bytes.
/// </summary>
/// <remarks>
/// In order per order: deliveries of one subscription and one subject (the order id for an order's events) go one at a
/// time, oldest first (<see cref="Id"/>s are time-ordered). A delivery that finds an older one of its stream still
/// pending <see cref="Wait"/>s; the older one, once delivered or failed, wakes the next.
/// </remarks>
public sealed class WebhookDelivery
{
    private List<WebhookAttempt> _attempts = [];

    private WebhookDelivery() { }

    public string Id { get; private set; } = "";
    public string SubscriptionId { get; private set; } = "";
    public string EventId { get; private set; } = "";
    public string EventType { get; private set; } = "";
    /// <summary>The event's subject: deliveries with the same subscription and subject go in order.</summary>
    public string Subject { get; private set; } = "";
    /// <summary>The request body: one CloudEvent as JSON text.</summary>
    public string Body { get; private set; } = "";
    /// <summary>Who asked: <c>subscription</c> for the event consumer, <c>flow:&lt;name&gt;</c> for a flow's send_webhook.</summary>
    public string Origin { get; private set; } = "";
    public WebhookDeliveryStatus Status { get; private set; }
    /// <summary>Held back behind an older pending delivery of its stream (no attempt scheduled until that one ends).</summary>
    public bool Waiting { get; private set; }
    /// <summary>The next attempt was asked for by a person: one attempt, no retry schedule, no process exception.</summary>
    public bool Redelivery { get; private set; }
    /// <summary>Where the current round of attempts started in <see cref="Attempts"/> (a redelivery starts a new round).</summary>
    public int RoundStart { get; private set; }
    public DateTimeOffset? NextAttemptAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    /// <summary>Why the delivery ended failed without (another) attempt, e.g. the subscription was deleted.</summary>
    public string? FailureReason { get; private set; }
    public int Version { get; private set; }

    public IReadOnlyList<WebhookAttempt> Attempts => _attempts;

    public static WebhookDelivery Create(string id, string subscriptionId, string eventId, string eventType, string subject, string body, string origin, DateTimeOffset now) =>
        new()
        {
            Id = id,
            SubscriptionId = subscriptionId,
            EventId = eventId,
            EventType = eventType,
            Subject = subject,
            Body = body,
            Origin = origin,
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
            Version = 1,
        };

    public bool IsPending => Status == WebhookDeliveryStatus.Pending;

    /// <summary>An older delivery of the stream is still pending: hold this one until it ends.</summary>
    public void Wait()
    {
        EnsurePending("wait");
        Waiting = true;
        NextAttemptAt = null;
        Version++;
    }

    /// <summary>The older delivery ended: this one's attempt is due now.</summary>
    public void Release(DateTimeOffset now)
    {
        EnsurePending("release");
        Waiting = false;
        NextAttemptAt = now;
        Version++;
    }

    /// <summary>
    /// Records an attempt. Returns when to try again, or null when the delivery has ended (delivered, or failed after the
    /// schedule's last attempt — or after a redelivery's one attempt).
    /// </summary>
    public DateTimeOffset? RecordAttempt(DateTimeOffset startedAt, WebhookAttemptOutcome outcome, WebhookRetrySchedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(schedule);
        EnsurePending("record an attempt");
        _attempts = [.. _attempts, new WebhookAttempt(startedAt, outcome.StatusCode, outcome.Error, outcome.DurationMs)];
        Version++;
        if (outcome.Succeeded)
        {
            End(WebhookDeliveryStatus.Delivered, now);
            return null;
        }
        var delay = Redelivery ? null : schedule.DelayAfter(_attempts.Count - RoundStart);
        if (delay is null)
        {
            End(WebhookDeliveryStatus.Failed, now);
            return null;
        }
        NextAttemptAt = now + delay.Value;
        return NextAttemptAt;
    }

    /// <summary>Ends the delivery without another attempt (the subscription was deleted).</summary>
    public void Abandon(string reason, DateTimeOffset now)
    {
        EnsurePending("abandon");
        FailureReason = reason;
        Version++;
        End(WebhookDeliveryStatus.Failed, now);
    }

    /// <summary>A person asks for one more attempt of a delivered or failed delivery, with the same webhook-id.</summary>
    public void Redeliver(DateTimeOffset now)
    {
        if (IsPending) throw new InvalidTransitionException("webhook delivery", StatusNames.Of(Status), "redeliver");
        Status = WebhookDeliveryStatus.Pending;
        Redelivery = true;
        RoundStart = _attempts.Count;
        Waiting = false;
        NextAttemptAt = now;
        CompletedAt = null;
        FailureReason = null;
        Version++;
    }

    private void End(WebhookDeliveryStatus status, DateTimeOffset now)
    {
        Status = status;
        Waiting = false;
        NextAttemptAt = null;
        CompletedAt = now;
    }

    private void EnsurePending(string action)
    {
        if (!IsPending) throw new InvalidTransitionException("webhook delivery", StatusNames.Of(Status), action);
    }
}
