using System.Security.Cryptography;
using System.Text;

namespace Waybill.Domain.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> and the base64 of 24–64 random bytes. The HMAC key is the decoded
/// bytes, so a receiver's library (svix, standardwebhooks) verifies with the secret exactly as Waybill shows it.
/// </summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinBytes = 24;
    public const int MaxBytes = 64;
    /// <summary>What Waybill generates: 32 bytes, the HMAC-SHA256 block's natural key size.</summary>
    public const int GeneratedBytes = 32;

    /// <summary>A secret from the given random bytes (the server draws them; the domain does no I/O).</summary>
    public static string From(ReadOnlySpan<byte> randomBytes)
    {
        if (randomBytes.Length is < MinBytes or > MaxBytes)
            throw new ArgumentOutOfRangeException(nameof(randomBytes), $"A secret has {MinBytes}–{MaxBytes} bytes.");
        return Prefix + Convert.ToBase64String(randomBytes);
    }

    /// <summary>The HMAC key, or null when the text is not <c>whsec_&lt;base64 of 24–64 bytes&gt;</c>.</summary>
    public static byte[]? KeyOf(string? secret)
    {
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var encoded = secret[Prefix.Length..];
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var length)) return null;
        return length is >= MinBytes and <= MaxBytes ? buffer[..length] : null;
    }

    public static bool IsWellFormed(string? secret) => KeyOf(secret) is not null;
}

/// <summary>The Standard Webhooks signature: HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c>.</summary>
public static class WebhookSignature
{
    /// <summary>The <c>webhook-signature</c> header's value: <c>v1,&lt;base64&gt;</c>.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        var key = WebhookSecret.KeyOf(secret) ?? throw new ArgumentException("The secret is not a whsec_ secret.", nameof(secret));
        var content = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}

/// <summary>The receiving side of Standard Webhooks: a signature header and a timestamp checked the way its libraries do.</summary>
public static class WebhookVerification
{
    /// <summary>How far a <c>webhook-timestamp</c> may be from now, either way, before the message is refused as a replay.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether one of the space-separated <c>v1,&lt;base64&gt;</c> signatures in <paramref name="signatureHeader"/> signs
    /// <c>{id}.{timestamp}.{body}</c> with <paramref name="secret"/> (several are sent while a secret is rotated).
    /// </summary>
    public static bool IsSigned(string secret, string webhookId, long timestamp, string body, string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader) || !WebhookSecret.IsWellFormed(secret)) return false;
        var expected = Encoding.ASCII.GetBytes(WebhookSignature.Sign(secret, webhookId, timestamp, body));
        foreach (var signature in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature))) return true;
        return false;
    }

    /// <summary>Whether the Unix-seconds timestamp is within <see cref="Tolerance"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(long timestamp, DateTimeOffset now) =>
        Math.Abs(now.ToUnixTimeSeconds() - timestamp) <= (long)Tolerance.TotalSeconds;
}
