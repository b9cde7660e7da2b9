using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;

namespace Waybill.Server.Platform;

/// <summary>
/// Forgets idempotency records once they are older than the retention (api.md: keys are kept at least 24 hours; Waybill
/// keeps them 48 by default, <c>Idempotency:RetentionHours</c>), in small deletes so the table never grows without end
/// and no delete holds locks for long.
/// </summary>
public sealed class IdempotencyRetention(IServiceScopeFactory scopes, IConfiguration configuration, IClock clock, ILogger<IdempotencyRetention> log) : BackgroundService
{
    private const int ChunkSize = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10));
        do
        {
            try
            {
                await ForgetExpiredAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Forgetting old idempotency records failed; trying again later.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the records older than the retention; returns how many.</summary>
    public async Task<int> ForgetExpiredAsync(CancellationToken cancellationToken)
    {
        var hours = Math.Max(24, configuration.GetValue("Idempotency:RetentionHours", 48));
        var cutoff = clock.UtcNow.AddHours(-hours);
        var total = 0;
        while (true)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var writes = scope.ServiceProvider.GetRequiredService<SqliteWriteGate>();
            var oldest = db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff).OrderBy(r => r.CreatedAt).Take(ChunkSize);
            Task<int> Delete() => db.IdempotencyRecords
                .Where(r => oldest.Any(o => o.ApiKeyId == r.ApiKeyId && o.Path == r.Path && o.Key == r.Key))
                .ExecuteDeleteAsync(cancellationToken);
            var deleted = db.IsPostgres ? await Delete() : await writes.RunAsync(Delete, cancellationToken);
            total += deleted;
            if (deleted < ChunkSize) return total;
        }
    }
}
