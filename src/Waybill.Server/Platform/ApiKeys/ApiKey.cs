using System.Security.Cryptography;
using System.Text;

namespace Waybill.Server.Platform.ApiKeys;

public enum Role
{
    Admin,
    Agent,
    Storefront,
    Fulfillment,
    Finance,
    Viewer,
}

/// <summary>A key a program uses to call the API. Only a hash of the secret is kept.</summary>
public sealed class ApiKey
{
    private ApiKey() { }

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public Role Role { get; private set; }
    public List<string> Locations { get; private set; } = [];
    public string SecretHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public static ApiKey Issue(string id, string name, Role role, IEnumerable<string> locations, string secret, DateTimeOffset now) =>
        new()
        {
            Id = id,
            Name = name,
            Role = role,
            Locations = [.. locations],
            SecretHash = HashOf(secret),
            CreatedAt = now,
        };

    /// <summary>A new secret: 32 random bytes, URL-safe. High entropy, so a plain SHA-256 is a safe way to store it.</summary>
    public static string NewSecret() => "wb_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
