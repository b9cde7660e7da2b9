using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// Announces changed stock: every change marks its (location, SKU) row, and this worker turns the marks into one
/// <c>inventory.availability_changed</c> per row and tick — a burst of a thousand reservations of one SKU is one event,
/// not a thousand — plus <c>inventory.low_stock</c> when ATF falls below the threshold (once, not on every change below).
/// </summary>
public sealed class AvailabilityAnnouncer(IServiceScopeFactory scopes, IOptions<InventoryOptions> options, ILogger<AvailabilityAnnouncer> log) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AnnounceInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await AnnounceAsync(stoppingToken) == BatchSize) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Announcing stock changes failed; trying again on the next tick.");
            }
        }
    }

    /// <summary>Announces up to one batch of changed rows; returns how many there were.</summary>
    public async Task<int> AnnounceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WaybillDb>();
        var commit = services.GetRequiredService<RequestCommit>();
        var outbox = services.GetRequiredService<EventOutbox>();
        var threshold = options.Value.LowStockThreshold;
        return await commit.InTransactionAsync(async () =>
        {
            // Locked until the marks are cleared, so a change that lands meanwhile waits and marks the row again after.
            var changed = await (db.IsPostgres
                    ? db.StockLevels.FromSql($"SELECT * FROM stock_levels WHERE availability_changed ORDER BY location_code, sku LIMIT {BatchSize} FOR UPDATE")
                    : db.StockLevels.FromSql($"SELECT * FROM stock_levels WHERE availability_changed ORDER BY location_code, sku LIMIT {BatchSize}"))
                .AsNoTracking().ToListAsync(cancellationToken);
            // The marks are cleared in one round trip for the whole batch (a spread of reservations changes hundreds of rows a tick).
            var cleared = new SqlBatch(db);
            foreach (var row in changed)
            {
                var figures = row.Figures;
                var stock = StockResponse.At(StockTarget.Location(row.LocationCode), row.Sku, figures, row.Futures);
                outbox.Add("inventory.availability_changed", $"{row.LocationCode}/{row.Sku}", stock with { PreviousAvailableToFulfill = row.AnnouncedAvailable });
                var wasAbove = row.AnnouncedAvailable is null || row.AnnouncedAvailable >= threshold;
                if (figures.AvailableToFulfill < threshold && wasAbove)
                    outbox.Add("inventory.low_stock", $"{row.LocationCode}/{row.Sku}", new { stock, threshold });
                cleared.Add("UPDATE stock_levels SET availability_changed = @p0, announced_available = @p1 WHERE location_code = @p2 AND sku = @p3",
                    false, figures.AvailableToFulfill, row.LocationCode, row.Sku);
            }
            await cleared.ExecuteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return changed.Count;
        }, cancellationToken);
    }
}
