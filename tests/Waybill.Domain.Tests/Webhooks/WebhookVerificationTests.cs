using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Webhooks;

namespace Waybill.Domain.Tests.Webhooks;

/// <summary>The receiving side of Standard Webhooks: what a signature and a timestamp prove.</summary>
public class WebhookVerificationTests
{
    private static readonly string Secret = WebhookSecret.From(RandomNumberGenerator.GetBytes(32));

    [Property(MaxTest = 200)]
    public bool A_signature_verifies_its_own_message_and_nothing_else(NonEmptyString id, string? body, long timestamp, string? other)
    {
        var text = body ?? "";
        var signature = WebhookSignature.Sign(Secret, id.Get, timestamp, text);
        var otherSecret = WebhookSecret.From(RandomNumberGenerator.GetBytes(32));
        return WebhookVerification.IsSigned(Secret, id.Get, timestamp, text, signature)
            // Among several (a secret being rotated), one good signature is enough.
            && WebhookVerification.IsSigned(Secret, id.Get, timestamp, text, "v1,AAAA " + signature)
            && !WebhookVerification.IsSigned(otherSecret, id.Get, timestamp, text, signature)
            && !WebhookVerification.IsSigned(Secret, id.Get, timestamp + 1, text, signature)
            && (other is null || other == text || !WebhookVerification.IsSigned(Secret, id.Get, timestamp, other, signature))
            && !WebhookVerification.IsSigned(Secret, id.Get, timestamp, text, null)
            && !WebhookVerification.IsSigned(Secret, id.Get, timestamp, text, "");
    }

    [Property(MaxTest = 300)]
    public Property A_timestamp_is_fresh_within_five_minutes_either_way() =>
        Prop.ForAll(Gen.Choose(-1000, 1000).ToArbitrary(), seconds =>
        {
            var now = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
            return WebhookVerification.IsFresh(now.ToUnixTimeSeconds() + seconds, now) == (Math.Abs(seconds) <= 300);
        });
}
