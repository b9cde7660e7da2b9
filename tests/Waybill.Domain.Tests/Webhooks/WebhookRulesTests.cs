using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Webhooks;

namespace Waybill.Domain.Tests.Webhooks;

public class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static WebhookDelivery NewDelivery() =>
        WebhookDelivery.Create("d-1", "s-1", "e-1", "order.created", "order-1", "{}", "subscription", Now);

    [Property(MaxTest = 300)]
    public Property A_secret_is_well_formed_exactly_when_it_is_whsec_and_the_base64_of_24_to_64_bytes() =>
        Prop.ForAll(Gen.Choose(0, 100).ToArbitrary(), length =>
        {
            var bytes = RandomNumberGenerator.GetBytes(length);
            var secret = "whsec_" + Convert.ToBase64String(bytes);
            var wellFormed = WebhookSecret.IsWellFormed(secret);
            var inRange = length is >= 24 and <= 64;
            return wellFormed == inRange
                && (!inRange || WebhookSecret.KeyOf(secret)!.AsSpan().SequenceEqual(bytes))
                && !WebhookSecret.IsWellFormed("whsek_" + Convert.ToBase64String(bytes))
                && !WebhookSecret.IsWellFormed(Convert.ToBase64String(bytes));
        });

    [Property(MaxTest = 200)]
    public Property The_signature_is_the_standard_webhooks_hmac_of_id_timestamp_and_body(NonEmptyString id, PositiveInt timestamp, string? body)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = WebhookSecret.From(key);
        var content = body ?? "";
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id.Get}.{timestamp.Get}.{content}")));
        return (WebhookSignature.Sign(secret, id.Get, timestamp.Get, content) == expected).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property A_delivery_that_keeps_failing_waits_the_schedule_between_attempts_and_fails_after_the_last() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(0, 36_000)).ToArbitrary(), seconds =>
        {
            var schedule = new WebhookRetrySchedule([.. seconds.Select(s => TimeSpan.FromSeconds(s))]);
            var delivery = NewDelivery();
            var at = Now;
            var waits = new List<TimeSpan>();
            while (delivery.IsPending)
            {
                var next = delivery.RecordAttempt(at, new WebhookAttemptOutcome(503, "down", 10), schedule, at);
                if (next is { } due) { waits.Add(due - at); at = due; }
            }
            return delivery.Status == WebhookDeliveryStatus.Failed
                && delivery.Attempts.Count == schedule.MaxAttempts
                && waits.SequenceEqual(schedule.Delays)
                && delivery.NextAttemptAt is null;
        });

    [Property(MaxTest = 200)]
    public Property A_2xx_answer_delivers_at_once_and_anything_else_is_retried(int status)
    {
        var delivery = NewDelivery();
        var next = delivery.RecordAttempt(Now, new WebhookAttemptOutcome(status, null, 5), WebhookRetrySchedule.Standard, Now);
        var success = status is >= 200 and < 300;
        return (success
            ? delivery.Status == WebhookDeliveryStatus.Delivered && next is null
            : delivery.IsPending && next == Now + TimeSpan.FromSeconds(5)).ToProperty();
    }

    [Fact]
    public void The_standard_schedule_is_eight_attempts_over_about_28_hours()
    {
        var schedule = WebhookRetrySchedule.Standard;
        Assert.Equal(8, schedule.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5) + TimeSpan.FromMinutes(35) + TimeSpan.FromHours(27), schedule.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public void A_redelivery_is_one_attempt_of_an_ended_delivery_and_a_pending_one_cannot_be_redelivered()
    {
        var delivery = NewDelivery();
        Assert.Throws<InvalidTransitionException>(() => delivery.Redeliver(Now));
        delivery.RecordAttempt(Now, new WebhookAttemptOutcome(200, null, 5), WebhookRetrySchedule.Standard, Now);
        delivery.Redeliver(Now);
        Assert.True(delivery.IsPending);
        Assert.Null(delivery.RecordAttempt(Now, new WebhookAttemptOutcome(500, "boom", 5), WebhookRetrySchedule.Standard, Now));
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Equal(2, delivery.Attempts.Count);
    }

    [Theory]
    [InlineData("*", "order.created", true)]
    [InlineData("order.*", "order.status_changed", true)]
    [InlineData("order.*", "fulfillment_order.created", false)]
    [InlineData("order.created", "order.created", true)]
    [InlineData("order.created", "order.approved", false)]
    public void Filters_match_exact_types_families_and_everything(string filter, string type, bool matches) =>
        Assert.Equal(matches, WebhookEventFilter.Matches(filter, type));

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", false, true)]
    [InlineData("http://localhost/hook", false, true)]
    [InlineData("http://example.com/hook", true, false)]
    [InlineData("https://localhost/hook", true, false)]
    [InlineData("https://[::1]/hook", true, false)]
    [InlineData("https://example.com/hook", true, true)]
    [InlineData("mailto:someone@example.com", false, false)]
    public void Urls_are_absolute_http_and_https_only_refuses_plain_http_and_loopback(string url, bool httpsOnly, bool valid)
    {
        var errors = new FieldErrors();
        WebhookSubscription.CheckUrl(url, httpsOnly, errors);
        Assert.Equal(valid, !errors.Any);
    }
}
