using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// Every change of stock, as atomic conditional updates in the caller's transaction (architecture.md "Storage"):
/// a reservation adds to <c>reserved</c> only where <c>on_hand − reserved − safety_stock</c> still covers it, at the
/// location and at every group containing it, so nothing oversells however many requests race. Nothing here reads a
/// figure and writes it back. Rows are touched in one order — a SKU's location row before its group rows — so
/// concurrent transactions queue instead of deadlocking.
/// </summary>
public sealed class StockLedger(WaybillDb db, IClock clock)
{
    // The groups a location's stock counts in: `all` and every group listing it — only while the location is active.
    private const string GroupsOfLocation =
        "(SELECT m.group_code FROM location_group_members m JOIN locations l ON l.code = m.location_code WHERE m.location_code = {0} AND l.active" +
        " UNION ALL SELECT 'all' FROM locations WHERE code = {0} AND active)";

    private const string Available = "on_hand - reserved - safety_stock";

    /// <summary>
    /// <c>group_code</c> among the groups of location <c>{0}</c>, for UPDATEs of <c>group_stock</c>. On PostgreSQL the
    /// list is computed once, as an array, before any row is touched: an UPDATE that joins group_stock to the UNION ALL
    /// itself, and waits for a concurrent writer of one of its rows (another reservation, a count, an import), rechecks
    /// that row after the wait and can drop it — PostgreSQL 15 loses the <c>'all'</c> branch in that recheck — so a
    /// reservation went missing from a group's sum.
    /// </summary>
    private string InGroupsOfLocation => db.IsPostgres ? $"= ANY (ARRAY{GroupsOfLocation})" : $"IN {GroupsOfLocation}";

    /// <summary>
    /// Holds <paramref name="quantity"/> of a SKU at a location or group: all of it, or — when <paramref name="partial"/> —
    /// as much as is available. Returns the quantity held (0 when it could not be held).
    /// </summary>
    public async Task<int> ReserveAsync(string sku, StockTarget target, int quantity, bool partial, CancellationToken cancellationToken)
    {
        if (await TryReserveAsync(sku, target, quantity, cancellationToken)) return quantity;
        if (!partial) return 0;
        // Someone may take or return stock between the look and the try; a few tries settle it, and each try is still
        // a conditional update, so a stale look can only under-reserve, never oversell.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var available = (int)Math.Clamp(await AvailableAsync(sku, target, cancellationToken), 0, quantity);
            if (available == 0) return 0;
            if (await TryReserveAsync(sku, target, available, cancellationToken)) return available;
        }
        return 0;
    }

    /// <summary>What can still be held of a SKU at a place: its ATF, and at a location no more than any group containing it allows.</summary>
    public async Task<long> AvailableAsync(string sku, StockTarget target, CancellationToken cancellationToken)
    {
        var figures = target.Kind == TargetKind.Group
            ? await db.Database.SqlQueryRaw<long>($"SELECT {Available} AS \"Value\" FROM group_stock WHERE group_code = {{0}} AND sku = {{1}}", target.Code, sku)
                .ToListAsync(cancellationToken)
            : await db.Database.SqlQueryRaw<long>(
                $"SELECT {Available} AS \"Value\" FROM stock_levels WHERE location_code = {{0}} AND sku = {{1}} " +
                $"UNION ALL SELECT {Available} FROM group_stock WHERE sku = {{1}} AND group_code IN {GroupsOfLocation}", target.Code, sku)
                .ToListAsync(cancellationToken);
        return figures.Count == 0 ? 0 : figures.Min();
    }

    private async Task<bool> TryReserveAsync(string sku, StockTarget target, int quantity, CancellationToken cancellationToken)
    {
        if (target.Kind == TargetKind.Group)
            return await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE group_code = {{0}} AND sku = {{1}} AND {Available} >= {{2}}",
                cancellationToken, target.Code, sku, quantity) == 1;

        if (await Execute(
                $"UPDATE stock_levels SET reserved = reserved + {{2}}, availability_changed = {{3}}, updated_at = {{4}} WHERE location_code = {{0}} AND sku = {{1}} AND {Available} >= {{2}}",
                cancellationToken, target.Code, sku, quantity, true, Now) == 0)
            return false;
        // The location has it; every group the location counts in must still cover it too (a group reservation may have
        // counted on this stock). The rows are locked by these updates, so the check after them is exact.
        await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE sku = {{1}} AND group_code {InGroupsOfLocation}",
            cancellationToken, target.Code, sku, quantity);
        var overdrawn = await db.Database.SqlQueryRaw<long>(
            $"SELECT count(*) AS \"Value\" FROM group_stock WHERE sku = {{1}} AND group_code IN {GroupsOfLocation} AND {Available} < 0", target.Code, sku)
            .SingleAsync(cancellationToken);
        if (overdrawn == 0) return true;
        await ChangeReservedAsync(sku, target, -quantity, cancellationToken);
        return false;
    }

    /// <summary>Gives held stock back at a place (and at the groups it counts in).</summary>
    public Task ReleaseAsync(string sku, StockTarget target, int quantity, CancellationToken cancellationToken) =>
        ChangeReservedAsync(sku, target, -quantity, cancellationToken);

    /// <summary>
    /// Moves held stock. Holding it at the new place is checked like a new reservation unless
    /// <paramref name="ignoreAvailability"/>; the group a location belongs to sees no change when stock moves between them.
    /// </summary>
    public async Task<bool> TransferAsync(string sku, StockTarget from, StockTarget to, int quantity, bool ignoreAvailability, CancellationToken cancellationToken)
    {
        // Release first: stock held at a group and moved to one of its locations must not be counted twice by the check.
        await ChangeReservedAsync(sku, from, -quantity, cancellationToken);
        if (ignoreAvailability)
        {
            await ChangeReservedAsync(sku, to, quantity, cancellationToken);
            return true;
        }
        return await TryReserveAsync(sku, to, quantity, cancellationToken);
    }

    /// <summary>Shipped from a location: on hand and reserved both drop, there and in its groups.</summary>
    public async Task FulfillAsync(string sku, string location, int quantity, CancellationToken cancellationToken)
    {
        await Execute("UPDATE stock_levels SET on_hand = on_hand - {2}, reserved = reserved - {2}, availability_changed = {3}, updated_at = {4} WHERE location_code = {0} AND sku = {1}",
            cancellationToken, location, sku, quantity, true, Now);
        await Execute($"UPDATE group_stock SET on_hand = on_hand - {{2}}, reserved = reserved - {{2}} WHERE sku = {{1}} AND group_code {InGroupsOfLocation}",
            cancellationToken, location, sku, quantity);
    }

    /// <summary>
    /// Sets a location's stock of a SKU (a count, an import record). Returns the figures before and after.
    /// Only the fields given change; the row is created when it is the SKU's first stock there.
    /// </summary>
    public async Task<(StockFigures Before, StockFigures After)> SetAsync(string location, string sku, long? onHand, long? safetyStock,
        IReadOnlyList<StockFuture>? futures, CancellationToken cancellationToken)
    {
        var before = await LockAsync(location, sku, cancellationToken);
        var futureQuantity = futures?.Sum(f => (long)f.Quantity) ?? before.FutureQuantity;
        var after = before with { OnHand = onHand ?? before.OnHand, SafetyStock = safetyStock ?? before.SafetyStock, FutureQuantity = futureQuantity };
        if (futures is null)
            await Execute("UPDATE stock_levels SET on_hand = {2}, safety_stock = {3}, availability_changed = {4}, updated_at = {5} WHERE location_code = {0} AND sku = {1}",
                cancellationToken, location, sku, after.OnHand, after.SafetyStock, true, Now);
        else
            await Execute("UPDATE stock_levels SET on_hand = {2}, safety_stock = {3}, future_quantity = {4}, futures = {5}, availability_changed = {6}, updated_at = {7} WHERE location_code = {0} AND sku = {1}",
                cancellationToken, location, sku, after.OnHand, after.SafetyStock, after.FutureQuantity,
                System.Text.Json.JsonSerializer.Serialize(futures, WaybillJson.Options), true, Now);
        await AddToGroupsAsync(location, sku, after.OnHand - before.OnHand, after.SafetyStock - before.SafetyStock, after.FutureQuantity - before.FutureQuantity, cancellationToken);
        return (before, after);
    }

    /// <summary>Adds <paramref name="delta"/> to on hand; refuses (returns null) when on hand would fall below zero.</summary>
    public async Task<(StockFigures Before, StockFigures After)?> AdjustAsync(string location, string sku, long delta, CancellationToken cancellationToken)
    {
        var before = await LockAsync(location, sku, cancellationToken);
        if (before.OnHand + delta < 0) return null;
        await Execute("UPDATE stock_levels SET on_hand = on_hand + {2}, availability_changed = {3}, updated_at = {4} WHERE location_code = {0} AND sku = {1}",
            cancellationToken, location, sku, delta, true, Now);
        await AddToGroupsAsync(location, sku, delta, 0, 0, cancellationToken);
        return (before, before with { OnHand = before.OnHand + delta });
    }

    public Task<bool> ExistsAsync(string location, string sku, CancellationToken cancellationToken) =>
        db.StockLevels.AnyAsync(s => s.LocationCode == location && s.Sku == sku, cancellationToken);

    /// <summary>A location's figures of a SKU as they are now (in the caller's transaction).</summary>
    public async Task<StockResponse> ReadAsync(string location, string sku, CancellationToken cancellationToken)
    {
        var row = await db.StockLevels.AsNoTracking().FirstOrDefaultAsync(s => s.LocationCode == location && s.Sku == sku, cancellationToken);
        return StockResponse.At(StockTarget.Location(location), sku, row?.Figures ?? default, row?.Futures ?? []);
    }

    /// <summary>The row's figures, locked for the rest of the transaction (the row is created empty when missing).</summary>
    private async Task<StockFigures> LockAsync(string location, string sku, CancellationToken cancellationToken)
    {
        await Execute("INSERT INTO stock_levels (location_code, sku, on_hand, safety_stock, reserved, future_quantity, futures, availability_changed, updated_at) " +
                      "VALUES ({0}, {1}, 0, 0, 0, 0, '[]', {2}, {3}) ON CONFLICT (location_code, sku) DO NOTHING", cancellationToken, location, sku, false, Now);
        // SQLite has no row locks: its writers are serialized, so the transaction alone keeps the row as read.
        var rows = await (db.IsPostgres
                ? db.StockLevels.FromSql($"SELECT * FROM stock_levels WHERE location_code = {location} AND sku = {sku} FOR UPDATE")
                : db.StockLevels.FromSql($"SELECT * FROM stock_levels WHERE location_code = {location} AND sku = {sku}"))
            .AsNoTracking().ToListAsync(cancellationToken);
        return rows[0].Figures;
    }

    private async Task ChangeReservedAsync(string sku, StockTarget target, int delta, CancellationToken cancellationToken)
    {
        if (target.Kind == TargetKind.Group)
        {
            await Execute("UPDATE group_stock SET reserved = reserved + {2} WHERE group_code = {0} AND sku = {1}", cancellationToken, target.Code, sku, delta);
            return;
        }
        await Execute("UPDATE stock_levels SET reserved = reserved + {2}, availability_changed = {3}, updated_at = {4} WHERE location_code = {0} AND sku = {1}",
            cancellationToken, target.Code, sku, delta, true, Now);
        await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE sku = {{1}} AND group_code {InGroupsOfLocation}",
            cancellationToken, target.Code, sku, delta);
    }

    /// <summary>
    /// Sums a group's stock afresh from its active locations and the reservations made at the group — after its members
    /// changed, or a location became active or inactive. Stock writes wait meanwhile (on PostgreSQL the two stock tables
    /// are locked against writers for the rest of the transaction), so no change slips between the sums and the rows.
    /// </summary>
    public async Task RecomputeGroupsAsync(IEnumerable<string> groupCodes, CancellationToken cancellationToken)
    {
        if (db.IsPostgres) await Execute("LOCK TABLE stock_levels, group_stock IN SHARE ROW EXCLUSIVE MODE", cancellationToken);
        foreach (var group in groupCodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var members = group == LocationGroup.All
                ? "SELECT code FROM locations WHERE active"
                : "SELECT m.location_code FROM location_group_members m JOIN locations l ON l.code = m.location_code WHERE m.group_code = {0} AND l.active";
            await Execute("DELETE FROM group_stock WHERE group_code = {0}", cancellationToken, group);
            await Execute("INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity) " +
                          "SELECT {0}, s.sku, SUM(s.on_hand), SUM(s.safety_stock), SUM(s.reserved), SUM(s.future_quantity) " +
                          $"FROM stock_levels s WHERE s.location_code IN ({members}) GROUP BY s.sku", cancellationToken, group);
            await Execute("INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity) " +
                          "SELECT {0}, rl.sku, 0, 0, SUM(rl.quantity), 0 FROM reservation_lines rl JOIN reservations r ON r.id = rl.reservation_id " +
                          "WHERE r.status = {1} AND rl.target_kind = {2} AND rl.target_code = {0} GROUP BY rl.sku " +
                          "ON CONFLICT (group_code, sku) DO UPDATE SET reserved = group_stock.reserved + excluded.reserved",
                cancellationToken, group, nameof(ReservationStatus.Active), nameof(TargetKind.Group));
        }
    }

    /// <summary>A location's stock changed: the groups it counts in change by the same amounts (their rows created when new).</summary>
    private Task AddToGroupsAsync(string location, string sku, long onHand, long safetyStock, long futureQuantity, CancellationToken cancellationToken) =>
        onHand == 0 && safetyStock == 0 && futureQuantity == 0
            ? Task.CompletedTask
            : Execute("INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity) " +
                      $"SELECT g.group_code, {{1}}, {{2}}, {{3}}, 0, {{4}} FROM {GroupsOfLocation} g WHERE true " +
                      "ON CONFLICT (group_code, sku) DO UPDATE SET on_hand = group_stock.on_hand + excluded.on_hand, " +
                      "safety_stock = group_stock.safety_stock + excluded.safety_stock, future_quantity = group_stock.future_quantity + excluded.future_quantity",
                cancellationToken, location, sku, onHand, safetyStock, futureQuantity);

    /// <summary>Now, as the provider stores timestamps (raw SQL skips the model's converters: SQLite keeps UTC ticks).</summary>
    private object Now => db.IsPostgres ? clock.UtcNow : clock.UtcNow.UtcTicks;

    private Task<int> Execute(string sql, CancellationToken cancellationToken, params object[] parameters) =>
        db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
}
