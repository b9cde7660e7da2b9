using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Server.Data;

namespace Waybill.Server.Platform.ApiKeys;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>. Keys are looked up by hash and kept in a short-lived cache so a busy
/// channel does not cost a query per request; deleting a key clears it from this node's cache at once.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "waybill:key_id";
    public const string LocationClaim = "waybill:location";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Not a bearer token.");
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length == 0) return AuthenticateResult.Fail("Empty key.");

        var key = await cache.FindAsync(ApiKey.HashOf(secret), Context.RequestServices, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Unknown key.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id),
            new(KeyIdClaim, key.Id),
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role.ToString()),
        };
        claims.AddRange(key.Locations.Select(l => new Claim(LocationClaim, l)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, Problems.Unauthorized());

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, Problems.Forbidden());
}

public sealed record CachedApiKey(string Id, string Name, Role Role, IReadOnlyList<string> Locations);

public sealed class ApiKeyCache(IClock clock)
{
    // A revoked key is dropped at once on the node that revoked it and within this lifetime on the others.
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, (CachedApiKey Key, DateTimeOffset Until)> _byHash = new(StringComparer.Ordinal);

    public async Task<CachedApiKey?> FindAsync(string hash, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        if (_byHash.TryGetValue(hash, out var hit) && hit.Until > now) return hit.Key;

        var db = services.GetRequiredService<WaybillDb>();
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash)
            .Select(k => new CachedApiKey(k.Id, k.Name, k.Role, k.Locations))
            .FirstOrDefaultAsync(cancellationToken);
        // Only keys that exist are remembered, so random tokens cannot grow the cache.
        if (key is not null)
        {
            if (_byHash.Count >= Capacity) _byHash.Clear();
            _byHash[hash] = (key, now + Lifetime);
        }
        return key;
    }

    public void Forget(string keyId)
    {
        foreach (var (hash, entry) in _byHash)
        {
            if (entry.Key.Id == keyId) _byHash.TryRemove(hash, out _);
        }
    }

}

public static class Caller
{
    public static string KeyId(this ClaimsPrincipal user) => user.FindFirstValue(ApiKeyAuthentication.KeyIdClaim) ?? "anonymous";

    /// <summary>How the audit trail names whoever made a change.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? $"api_key:{user.FindFirstValue(ClaimTypes.Name)} ({user.KeyId()})" : "system";
}
