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

    /// <summary>
    /// Holds as much as there is of each need (an order capture's): the group needs in one round trip when they are in
    /// stock, a look at what is left for the ones that are not, and pickup needs at their location one by one.
    /// </summary>
    public async Task<List<HeldStock>> ReserveAvailableAsync(IReadOnlyList<HeldStock> needs, CancellationToken cancellationToken)
    {
        var held = new List<HeldStock>();
        var atGroups = needs.Where(n => n.Target.Kind == TargetKind.Group).OrderBy(n => n.Sku, StringComparer.Ordinal).ToList();
        // Each need takes from its group and from `all` (which counts every group's reservations): two conditional
        // updates, so which of them found the stock is known, and a need only half held is given back below.
        const string take = $"UPDATE group_stock SET reserved = reserved + @p0 WHERE group_code = @p1 AND sku = @p2 AND {Available} >= @p0";
        var batch = new SqlBatch(db);
        // Where each need's statements sit in the batch; a need at `all` itself has one, not two.
        var at = new List<(int Group, int? All)>();
        foreach (var need in atGroups)
        {
            batch.Add(take, need.Quantity, need.Target.Code, need.Sku);
            int? all = null;
            if (need.Target.Code != LocationGroup.All)
            {
                batch.Add(take, need.Quantity, LocationGroup.All, need.Sku);
                all = batch.Count - 1;
            }
            at.Add((all is null ? batch.Count - 1 : batch.Count - 2, all));
        }
        var affected = await batch.ExecuteAsync(cancellationToken);
        var shortOnes = new List<HeldStock>();
        var giveBack = new SqlBatch(db);
        for (var i = 0; i < atGroups.Count; i++)
        {
            var atGroup = affected[at[i].Group] == 1;
            var atAll = at[i].All is not { } all ? atGroup : affected[all] == 1;
            if (atGroup && atAll) { held.Add(atGroups[i]); continue; }
            shortOnes.Add(atGroups[i]);
            if (atGroup != atAll)
                giveBack.Add("UPDATE group_stock SET reserved = reserved - @p0 WHERE group_code = @p1 AND sku = @p2",
                    atGroups[i].Quantity, atGroup ? atGroups[i].Target.Code : LocationGroup.All, atGroups[i].Sku);
        }
        await giveBack.ExecuteAsync(cancellationToken);
        if (shortOnes.Count > 0)
        {
            var skus = shortOnes.Select(n => n.Sku).ToList();
            var groups = shortOnes.Select(n => n.Target.Code).Distinct(StringComparer.Ordinal).ToList();
            var left = await db.GroupStock.AsNoTracking().Where(g => skus.Contains(g.Sku) && groups.Contains(g.GroupCode)).ToListAsync(cancellationToken);
            foreach (var need in shortOnes.Where(n => left.Any(g => g.Sku == n.Sku && g.GroupCode == n.Target.Code && g.Figures.AvailableToFulfill > 0)))
            {
                var got = await ReserveAsync(need.Sku, need.Target, need.Quantity, partial: true, cancellationToken);
                if (got > 0) held.Add(need with { Quantity = got });
            }
        }
        foreach (var need in needs.Where(n => n.Target.Kind == TargetKind.Location).OrderBy(n => n.Sku, StringComparer.Ordinal))
        {
            var got = await ReserveAsync(need.Sku, need.Target, need.Quantity, partial: true, cancellationToken);
            if (got > 0) held.Add(need with { Quantity = got });
        }
        return held;
    }

    /// <summary>
    /// What can still be held of a SKU at a place: its ATF, and no more than any group containing the location allows —
    /// or, at a group, than <c>all</c> allows.
    /// </summary>
    public async Task<long> AvailableAsync(string sku, StockTarget target, CancellationToken cancellationToken)
    {
        var figures = target.Kind == TargetKind.Group
            ? await db.Database.SqlQueryRaw<long>($"SELECT {Available} AS \"Value\" FROM group_stock WHERE group_code IN ({{0}}, {{2}}) AND sku = {{1}}",
                    target.Code, sku, LocationGroup.All)
                .ToListAsync(cancellationToken)
            : await db.Database.SqlQueryRaw<long>(
                $"SELECT {Available} AS \"Value\" FROM stock_levels WHERE location_code = {{0}} AND sku = {{1}} " +
                $"UNION ALL SELECT {Available} FROM group_stock WHERE sku = {{1}} AND group_code IN {GroupsOfLocation}", target.Code, sku)
                .ToListAsync(cancellationToken);
        return figures.Count == 0 ? 0 : figures.Min();
    }

    /// <param name="unchangedGroup">
    /// A group the stock moves out of and back into (a transfer from a group to one of its locations): its figures — and
    /// those of <c>all</c>, which counted the group's reservation — do not change, so a shortfall they already had is no
    /// reason to refuse.
    /// </param>
    private async Task<bool> TryReserveAsync(string sku, StockTarget target, int quantity, CancellationToken cancellationToken, string? unchangedGroup = null)
    {
        if (target.Kind == TargetKind.Group)
        {
            // A group's reservation holds stock of `all` too (every group's locations are in it): both must cover it.
            if (await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE group_code = {{0}} AND sku = {{1}} AND {Available} >= {{2}}",
                    cancellationToken, target.Code, sku, quantity) == 0)
                return false;
            if (target.Code == LocationGroup.All
                || await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE group_code = {{0}} AND sku = {{1}} AND {Available} >= {{2}}",
                    cancellationToken, LocationGroup.All, sku, quantity) == 1)
                return true;
            await Execute("UPDATE group_stock SET reserved = reserved - {2} WHERE group_code = {0} AND sku = {1}", cancellationToken, target.Code, sku, quantity);
            return false;
        }

        if (await Execute(
                $"UPDATE stock_levels SET reserved = reserved + {{2}}, availability_changed = {{3}}, updated_at = {{4}} WHERE location_code = {{0}} AND sku = {{1}} AND {Available} >= {{2}}",
                cancellationToken, target.Code, sku, quantity, true, Now) == 0)
            return false;
        // The location has it; every group the location counts in must still cover it too (a group reservation may have
        // counted on this stock). The rows are locked by these updates, so the check after them is exact.
        await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE sku = {{1}} AND group_code {InGroupsOfLocation}",
            cancellationToken, target.Code, sku, quantity);
        var overdrawn = await db.Database.SqlQueryRaw<long>(
            $"SELECT count(*) AS \"Value\" FROM group_stock WHERE sku = {{1}} AND group_code IN {GroupsOfLocation} AND {Available} < 0 AND group_code <> {{2}} AND group_code <> {{3}}",
                target.Code, sku, unchangedGroup ?? "", unchangedGroup is null ? "" : LocationGroup.All)
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
        return await TryReserveAsync(sku, to, quantity, cancellationToken, from.Kind == TargetKind.Group ? from.Code : null);
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

    /// <summary>
    /// A location is activated or deactivated: every group it counts in while active (<c>all</c> and each group listing
    /// it) gains or loses all its stock. Call it in the transaction that saves the new flag, before saving it.
    /// </summary>
    public async Task ActiveChangedAsync(string location, bool active, CancellationToken cancellationToken)
    {
        await LockLocationStockAsync(location, cancellationToken);
        var groups = await db.Database.SqlQuery<string>($"SELECT group_code AS \"Value\" FROM location_group_members WHERE location_code = {location}")
            .ToListAsync(cancellationToken);
        groups.Add(LocationGroup.All);
        foreach (var group in groups.Order(StringComparer.Ordinal))
            await CountInGroupAsync(location, group, active ? 1 : -1, cancellationToken);
    }

    /// <summary>
    /// A location joins or leaves a group: the group gains or loses all its stock — when it is active; an inactive one
    /// counts nowhere. Call it in the transaction that saves the membership, before saving it.
    /// </summary>
    public async Task MembershipChangedAsync(string group, string location, bool joined, CancellationToken cancellationToken)
    {
        await LockLocationStockAsync(location, cancellationToken);
        var active = await db.Database.SqlQuery<bool>($"SELECT active AS \"Value\" FROM locations WHERE code = {location}").SingleAsync(cancellationToken);
        if (active) await CountInGroupAsync(location, group, joined ? 1 : -1, cancellationToken);
    }

    /// <summary>
    /// Locks the location, then its stock rows, for the rest of the transaction: a change of its stock that is under way
    /// is waited for and counted; one that comes after waits, then counts where the location counts by then.
    /// </summary>
    private async Task LockLocationStockAsync(string location, CancellationToken cancellationToken)
    {
        // SQLite has no row locks: its writers are serialized, so the transaction alone keeps the rows as read.
        if (!db.IsPostgres) return;
        await Execute("SELECT 1 FROM locations WHERE code = {0} FOR UPDATE", cancellationToken, location);
        await Execute("SELECT 1 FROM stock_levels WHERE location_code = {0} ORDER BY sku FOR UPDATE", cancellationToken, location);
    }

    /// <summary>Adds (<paramref name="sign"/> 1) or takes away (−1) every figure of a location's stock to or from a group's sums.</summary>
    private Task<int> CountInGroupAsync(string location, string group, int sign, CancellationToken cancellationToken) =>
        Execute("INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity) " +
                "SELECT {1}, sku, {2} * on_hand, {2} * safety_stock, {2} * reserved, {2} * future_quantity FROM stock_levels WHERE location_code = {0} ORDER BY sku " +
                "ON CONFLICT (group_code, sku) DO UPDATE SET on_hand = group_stock.on_hand + excluded.on_hand, " +
                "safety_stock = group_stock.safety_stock + excluded.safety_stock, reserved = group_stock.reserved + excluded.reserved, " +
                "future_quantity = group_stock.future_quantity + excluded.future_quantity",
            cancellationToken, location, group, sign);

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
        var created = await Execute("INSERT INTO stock_levels (location_code, sku, on_hand, safety_stock, reserved, future_quantity, futures, availability_changed, updated_at) " +
                      "VALUES ({0}, {1}, 0, 0, 0, 0, '[]', {2}, {3}) ON CONFLICT (location_code, sku) DO NOTHING", cancellationToken, location, sku, false, Now);
        // A new row is one a location (de)activation or a membership change under way cannot have locked: wait for it
        // on the location row, so the groups this stock is added to are the ones the location counts in after it.
        if (created == 1 && db.IsPostgres)
            await Execute("SELECT 1 FROM locations WHERE code = {0} FOR SHARE", cancellationToken, location);
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
            await Execute("UPDATE group_stock SET reserved = reserved + {2} WHERE group_code IN ({0}, {3}) AND sku = {1}",
                cancellationToken, target.Code, sku, delta, LocationGroup.All);
            return;
        }
        await Execute("UPDATE stock_levels SET reserved = reserved + {2}, availability_changed = {3}, updated_at = {4} WHERE location_code = {0} AND sku = {1}",
            cancellationToken, target.Code, sku, delta, true, Now);
        await Execute($"UPDATE group_stock SET reserved = reserved + {{2}} WHERE sku = {{1}} AND group_code {InGroupsOfLocation}",
            cancellationToken, target.Code, sku, delta);
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
