using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>A reservation request, checked for shape and known places, waiting to be decided.</summary>
public sealed record ReservationAsk(string? Key, IReadOnlyList<HeldStock> Lines, bool AllowPartial, int? ExpiresInSeconds, string Actor, PendingIdempotency? Idempotency);

/// <summary>What became of a reservation request.</summary>
public abstract record ReservationDecision
{
    public sealed record Created(ReservationResponse Reservation) : ReservationDecision;
    /// <summary>The reservationKey was taken before (or by an earlier request of the same batch): answer that reservation.</summary>
    public sealed record KeyTaken(string Key) : ReservationDecision;
    public sealed record Short(IReadOnlyList<ShortLine> Lines) : ReservationDecision;
}

/// <summary>
/// Reservations that arrive together are decided together, in one transaction: the stock rows they touch are locked
/// once, each request is decided in arrival order against the locked figures (all lines or none, unless partial), and
/// the sums are written back with one conditional update per row. Fifty clients reserving one hot SKU then cost one
/// lock wait and one commit, not fifty — the row lock is the bottleneck of one-transaction-per-reservation — and the
/// conditional updates still refuse to take more than is there, whatever another process did.
/// </summary>
public sealed class ReservationBatches(IServiceScopeFactory scopes, IClock clock, IIdGenerator ids, ILogger<ReservationBatches> log) : BackgroundService
{
    private const int MaxBatch = 256;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public async Task<ReservationDecision> SubmitAsync(ReservationAsk ask, CancellationToken cancellationToken)
    {
        var pending = new Pending(ask);
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException("Waybill is stopping; the reservation was not made.");
        // The request may be abandoned by its client, but a decision already under way still commits or not as a whole.
        return await pending.Decision.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            await DecideAsync(batch, stoppingToken);
        }
    }

    private async Task DecideAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        try
        {
            var decisions = await DecideInTransactionAsync(batch, cancellationToken);
            for (var i = 0; i < batch.Count; i++) batch[i].Decision.TrySetResult(decisions[i]);
        }
        catch (Exception ex) when (batch.Count > 1 && ex is not OperationCanceledException)
        {
            // One request's failure (say, its Idempotency-Key committed by a twin meanwhile) must not fail the others.
            log.LogDebug(ex, "A batch of {Count} reservations failed; deciding them one by one.", batch.Count);
            foreach (var pending in batch)
            {
                try
                {
                    pending.Decision.TrySetResult((await DecideInTransactionAsync([pending], cancellationToken))[0]);
                }
                catch (Exception one)
                {
                    pending.Decision.TrySetException(one);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch) pending.Decision.TrySetException(ex);
        }
    }

    private async Task<ReservationDecision[]> DecideInTransactionAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var commit = services.GetRequiredService<RequestCommit>();
        return await commit.InTransactionAsync(() => DecideTogetherAsync(services, batch, cancellationToken), cancellationToken);
    }

    private async Task<ReservationDecision[]> DecideTogetherAsync(IServiceProvider services, List<Pending> batch, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<WaybillDb>();
        var commit = services.GetRequiredService<RequestCommit>();
        var audit = services.GetRequiredService<AuditTrail>();
        var now = clock.UtcNow;

        var keys = batch.Select(p => p.Ask.Key).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var taken = keys.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : (await db.Reservations.AsNoTracking().Where(r => keys.Contains(r.Key!)).Select(r => r.Key!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var figures = await LockedFigures.LoadAsync(db, batch.SelectMany(p => p.Ask.Lines).ToList(), cancellationToken);

        var decisions = new ReservationDecision[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var ask = batch[i].Ask;
            if (ask.Key is not null && !taken.Add(ask.Key)) { decisions[i] = new ReservationDecision.KeyTaken(ask.Key); continue; }

            var (held, shortLines) = figures.TryHold(ask.Lines, ask.AllowPartial);
            if (shortLines.Count > 0 && (!ask.AllowPartial || held.Count == 0))
            {
                figures.Undo(held);
                if (ask.Key is not null) taken.Remove(ask.Key);
                decisions[i] = new ReservationDecision.Short(shortLines);
                continue;
            }
            var expiresAt = ask.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null;
            var reservation = Reservation.Open(ids.NewId(), ask.Key, held, expiresAt, null, now);
            db.Reservations.Add(reservation);
            audit.Record("reservation", reservation.Id, "reserved", ask.Actor, null, "active", null,
                new { lines = held.Select(h => new { h.Sku, at = h.Target.ToString(), h.Quantity }) });
            var response = ReservationResponse.From(reservation, shortLines);
            if (ask.Idempotency is not null) commit.AddIdempotencyRecord(ask.Idempotency, 201, response, CreateReservation.PathOf(reservation.Id));
            decisions[i] = new ReservationDecision.Created(response);
        }

        // The conditional updates and the batch's rows go together (one round trip on PostgreSQL), then COMMIT.
        var updates = figures.Updates(db, now);
        var affected = await services.GetRequiredService<InsertBatch>().WriteAsync(db, cancellationToken, first: updates);
        LockedFigures.EnsureEveryRowTaken(affected);
        return decisions;
    }

    private sealed class Pending(ReservationAsk ask)
    {
        public ReservationAsk Ask { get; } = ask;
        public TaskCompletionSource<ReservationDecision> Decision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// The figures of every stock row a batch touches — each location row, and the row of every group each location counts
/// in — locked for the transaction, with the batch's decisions applied in memory as it goes.
/// </summary>
internal sealed class LockedFigures
{
    private readonly Dictionary<StockTarget, Dictionary<string, Row>> _rows = [];
    private readonly Dictionary<string, List<string>> _groupsOfLocation = new(StringComparer.Ordinal);

    private sealed class Row(long available)
    {
        public long Available { get; set; } = available;
        public long Added { get; set; }
    }

    public static async Task<LockedFigures> LoadAsync(WaybillDb db, List<HeldStock> lines, CancellationToken cancellationToken)
    {
        var figures = new LockedFigures();
        var skus = lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToList();
        var locations = lines.Where(l => l.Target.Kind == TargetKind.Location).Select(l => l.Target.Code).Distinct(StringComparer.Ordinal).ToList();
        var groupLines = lines.Where(l => l.Target.Kind == TargetKind.Group).Select(l => l.Target.Code).ToList();
        var namedGroups = groupLines.Concat(groupLines.Count > 0 ? [LocationGroup.All] : []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var location in locations) figures._groupsOfLocation[location] = [];
        if (db.IsPostgres) await figures.LockOnPostgresAsync(db, skus, locations, namedGroups, cancellationToken);
        else await figures.LockOnSqliteAsync(db, skus, locations, namedGroups, cancellationToken);
        return figures;
    }

    // The location rows first: a location's (de)activation or a change of its groups locks all its stock rows before it
    // moves the location's stock between group sums, so once these are held the groups read next are the ones the stock
    // counts in until the batch commits. Then the group rows, in key order, so two batches — or two Waybill processes —
    // queue rather than deadlock. On PostgreSQL the three steps are three statements of one batch: one round trip, each
    // statement with its own snapshot (taken after the one before it got its locks). The groups to lock are computed
    // once into an array (ARRAY(…)), never re-evaluated when a row lock waits and PostgreSQL rechecks the row.
    private const string LockLocationRows =
        "SELECT location_code, sku, on_hand - reserved - safety_stock FROM stock_levels " +
        "WHERE location_code = ANY($1) AND sku = ANY($2) ORDER BY location_code, sku FOR UPDATE";
    private const string GroupsOfLocations =
        "SELECT l.code, m.group_code FROM locations l LEFT JOIN location_group_members m ON m.location_code = l.code WHERE l.active AND l.code = ANY($1)";
    private const string LockGroupRows =
        "SELECT group_code, sku, on_hand - reserved - safety_stock FROM group_stock WHERE sku = ANY($2) AND group_code = ANY (ARRAY(" +
        "SELECT m.group_code FROM location_group_members m JOIN locations l ON l.code = m.location_code WHERE l.active AND l.code = ANY($1) " +
        "UNION SELECT 'all' FROM locations l WHERE l.active AND l.code = ANY($1) " +
        "UNION SELECT unnest($3::text[]))) ORDER BY group_code, sku FOR UPDATE";

    private async Task LockOnPostgresAsync(WaybillDb db, List<string> skus, List<string> locations, List<string> namedGroups, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = connection.CreateBatch();
        batch.BatchCommands.Add(Command(LockLocationRows, locations, skus));
        batch.BatchCommands.Add(Command(GroupsOfLocations, locations));
        batch.BatchCommands.Add(Command(LockGroupRows, locations, skus, namedGroups));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            Remember(StockTarget.Location(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var groups = _groupsOfLocation[reader.GetString(0)];
            if (!groups.Contains(LocationGroup.All)) groups.Add(LocationGroup.All);
            if (!reader.IsDBNull(1)) groups.Add(reader.GetString(1));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            Remember(StockTarget.Group(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2));

        static NpgsqlBatchCommand Command(string sql, params List<string>[] arrays)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var array in arrays) command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. array], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return command;
        }
    }

    // SQLite has no row locks: its writers are serialized, so the transaction alone keeps the rows as read.
    private async Task LockOnSqliteAsync(WaybillDb db, List<string> skus, List<string> locations, List<string> namedGroups, CancellationToken cancellationToken)
    {
        if (locations.Count > 0)
            foreach (var row in await InBoth(db.StockLevels, "stock_levels", "location_code", locations, skus).AsNoTracking().ToListAsync(cancellationToken))
                Remember(StockTarget.Location(row.LocationCode), row.Sku, row.Figures.AvailableToFulfill);
        var active = locations.Count == 0 ? [] : await db.Locations.AsNoTracking().Where(l => l.Active && locations.Contains(l.Code)).Select(l => l.Code).ToListAsync(cancellationToken);
        var memberships = active.Count == 0 ? [] : await db.LocationGroupMembers.AsNoTracking().Where(m => active.Contains(m.LocationCode)).ToListAsync(cancellationToken);
        foreach (var location in active) _groupsOfLocation[location].Add(LocationGroup.All);
        foreach (var m in memberships) _groupsOfLocation[m.LocationCode].Add(m.GroupCode);
        var groups = namedGroups.Concat(_groupsOfLocation.Values.SelectMany(g => g)).Distinct(StringComparer.Ordinal).ToList();
        if (groups.Count > 0)
            foreach (var row in await InBoth(db.GroupStock, "group_stock", "group_code", groups, skus).AsNoTracking().ToListAsync(cancellationToken))
                Remember(StockTarget.Group(row.GroupCode), row.Sku, row.Figures.AvailableToFulfill);
    }

    /// <summary>The rows of the codes × SKUs, in key order.</summary>
    private static IQueryable<T> InBoth<T>(DbSet<T> rows, string table, string codeColumn, List<string> codes, List<string> skus) where T : class =>
        rows.FromSqlRaw(InBothSql(table, codeColumn, codes.Count, skus.Count), [.. codes, .. skus]);

    // Table and column names are this file's constants; the values go as parameters.
    private static string InBothSql(string table, string codeColumn, int codes, int skus) =>
        $"SELECT * FROM {table} WHERE {codeColumn} IN ({Placeholders(0, codes)}) AND sku IN ({Placeholders(codes, skus)}) ORDER BY {codeColumn}, sku";

    private static string Placeholders(int from, int count) => string.Join(", ", Enumerable.Range(from, count).Select(i => $"{{{i}}}"));

    private void Remember(StockTarget target, string sku, long available)
    {
        if (!_rows.TryGetValue(target, out var bySku)) _rows[target] = bySku = new Dictionary<string, Row>(StringComparer.Ordinal);
        bySku[sku] = new Row(available);
    }

    private Row? Find(StockTarget target, string sku) => _rows.TryGetValue(target, out var bySku) ? bySku.GetValueOrDefault(sku) : null;

    /// <summary>
    /// The rows a line holds stock on: its location and every group the location counts in; or its group and <c>all</c>
    /// (every group's locations are in <c>all</c>, so it counts every group's reservations).
    /// </summary>
    private IEnumerable<StockTarget> Places(StockTarget target) =>
        target.Kind == TargetKind.Group
            ? target.Code == LocationGroup.All ? [target] : [target, StockTarget.Group(LocationGroup.All)]
            : [target, .. _groupsOfLocation[target.Code].Select(StockTarget.Group)];

    /// <summary>How much of a SKU can still be held at a place: the least ATF over the rows it would take from.</summary>
    private long Available(string sku, StockTarget target) =>
        Places(target).Select(p => Find(p, sku)?.Available ?? 0).DefaultIfEmpty(0).Min();

    /// <summary>Holds the lines that fit, in order; each line whole, or as much as there is when partial.</summary>
    public (List<HeldStock> Held, List<ShortLine> Short) TryHold(IReadOnlyList<HeldStock> lines, bool partial)
    {
        var held = new List<HeldStock>();
        var shortLines = new List<ShortLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var available = Math.Max(0, Available(line.Sku, line.Target));
            var take = available >= line.Quantity ? line.Quantity : partial ? (int)available : 0;
            if (take > 0)
            {
                Move(line.Sku, line.Target, take);
                held.Add(line with { Quantity = take });
            }
            if (take < line.Quantity)
                shortLines.Add(new ShortLine(i, line.Sku,
                    line.Target.Kind == TargetKind.Location ? line.Target.Code : null,
                    line.Target.Kind == TargetKind.Group ? line.Target.Code : null,
                    line.Quantity, available));
        }
        return (held, shortLines);
    }

    public void Undo(List<HeldStock> held)
    {
        foreach (var h in held) Move(h.Sku, h.Target, -h.Quantity);
    }

    private void Move(string sku, StockTarget target, int quantity)
    {
        foreach (var place in Places(target))
        {
            var row = Find(place, sku)!;
            row.Available -= quantity;
            row.Added += quantity;
        }
    }

    /// <summary>
    /// What the batch holds, as one update a row — still conditional: if anything moved the stock despite the lock, the
    /// update finds nothing and the whole batch is refused (<see cref="EnsureEveryRowTaken"/>) rather than oversold.
    /// </summary>
    public SqlBatch Updates(WaybillDb db, DateTimeOffset now)
    {
        var batch = new SqlBatch(db);
        object at = db.IsPostgres ? now : now.UtcTicks;
        foreach (var (target, bySku) in _rows)
            foreach (var (sku, row) in bySku.Where(r => r.Value.Added > 0))
            {
                if (target.Kind == TargetKind.Location)
                    batch.Add("UPDATE stock_levels SET reserved = reserved + @p0, availability_changed = @p1, updated_at = @p2 " +
                              "WHERE location_code = @p3 AND sku = @p4 AND on_hand - reserved - safety_stock >= @p0", row.Added, true, at, target.Code, sku);
                else
                    batch.Add("UPDATE group_stock SET reserved = reserved + @p0 WHERE group_code = @p1 AND sku = @p2 AND on_hand - reserved - safety_stock >= @p0",
                        row.Added, target.Code, sku);
            }
        return batch;
    }

    public static void EnsureEveryRowTaken(int[] affected)
    {
        if (affected.Any(a => a != 1))
            throw new InvalidOperationException("Stock changed under a lock while reservations were decided; none of the batch was made.");
    }
}
