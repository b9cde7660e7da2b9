using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>
/// Releases reservations whose time is up and announces <c>reservation.expired</c>. Each one is expired in its own
/// transaction with the reservation row locked, so two Waybill nodes never release the same stock twice.
/// </summary>
public sealed class ReservationExpiry(IServiceScopeFactory scopes, IOptions<InventoryOptions> options, IClock clock, ILogger<ReservationExpiry> log) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await ExpireDueAsync(stoppingToken) == BatchSize) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Expiring reservations failed; trying again on the next tick.");
            }
        }
    }

    /// <summary>Expires what is due now; returns how many were due.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        List<string> due;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            due = await db.Reservations.AsNoTracking()
                .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt != null && r.ExpiresAt <= now)
                .OrderBy(r => r.ExpiresAt).Select(r => r.Id).Take(BatchSize).ToListAsync(cancellationToken);
        }
        foreach (var id in due)
        {
            using var scope = scopes.CreateScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<WaybillDb>();
            var ledger = services.GetRequiredService<StockLedger>();
            var commit = services.GetRequiredService<RequestCommit>();
            await commit.InTransactionAsync(async () =>
            {
                var reservation = await ReservationLines.LoadForChangeAsync(db, id, cancellationToken);
                // Another node, or a release that came first, may have ended it since it was listed.
                if (reservation.Status != ReservationStatus.Active) return false;
                var released = reservation.Expire(clock.UtcNow);
                foreach (var line in released.OrderBy(l => l.Sku, StringComparer.Ordinal))
                    await ledger.ReleaseAsync(line.Sku, line.Target, line.Quantity, cancellationToken);
                var response = ReservationResponse.From(reservation);
                services.GetRequiredService<EventOutbox>().Add("reservation.expired", reservation.Id, response);
                services.GetRequiredService<AuditTrail>().Record("reservation", reservation.Id, "expired", "system", "active", "expired", "expires_at_reached",
                    new { lines = released.Select(l => new { l.Sku, at = l.Target.ToString(), l.Quantity }) });
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }, cancellationToken);
        }
        return due.Count;
    }
}
