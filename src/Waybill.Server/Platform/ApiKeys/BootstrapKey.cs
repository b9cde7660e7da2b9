using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Data;

namespace Waybill.Server.Platform.ApiKeys;

/// <summary>
/// At start: <c>WAYBILL_BOOTSTRAP_API_KEY</c> makes sure an admin key with exactly that secret exists (automation, tests).
/// Without it, an empty database gets one admin key, printed once, so a newcomer can call the API at all.
/// </summary>
public static class BootstrapKey
{
    public static async Task EnsureAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        var ids = scope.ServiceProvider.GetRequiredService<IIdGenerator>();
        var clock = scope.ServiceProvider.GetRequiredService<IClock>();
        var secret = configuration["WAYBILL_BOOTSTRAP_API_KEY"];

        if (!string.IsNullOrWhiteSpace(secret))
        {
            var hash = ApiKey.HashOf(secret);
            if (await db.ApiKeys.AnyAsync(k => k.SecretHash == hash, cancellationToken)) return;
            db.ApiKeys.Add(ApiKey.Issue(ids.NewId(), "bootstrap", Role.Admin, [], secret, clock.UtcNow));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (await db.ApiKeys.AnyAsync(cancellationToken)) return;
        var generated = ApiKey.NewSecret();
        db.ApiKeys.Add(ApiKey.Issue(ids.NewId(), "first admin", Role.Admin, [], generated, clock.UtcNow));
        await db.SaveChangesAsync(cancellationToken);
        Console.WriteLine();
        Console.WriteLine("  Waybill created the first admin API key. It is shown only this once:");
        Console.WriteLine($"    {generated}");
        Console.WriteLine("  Use it as 'Authorization: Bearer <key>'. Issue more at POST /api/v1/api-keys.");
        Console.WriteLine();
    }
}
