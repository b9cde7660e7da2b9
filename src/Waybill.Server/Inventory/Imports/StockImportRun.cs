using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// Runs one import: reads its file in batches and applies each batch in one transaction — recordIds claimed, records
/// merged per location and SKU, stock and group sums written, the import's counts moved — so <c>GET</c> shows progress and
/// a failure leaves whole batches applied, never half of one. A <c>full</c> import then sets the SKUs it did not mention
/// at the locations it applied records for to zero. Reading the next batch overlaps with writing this one.
/// </summary>
public sealed class StockImportRun(WaybillDb db, RequestCommit commit, ImportQueue queue, IClock clock, IOptions<InventoryOptions> options, ILogger<StockImportRun> log)
{
    // Rounds of retries (each round is RequestCommit's own few deadlock retries) before a batch fails the import.
    private const int RetryRounds = 10;

    private readonly int _batchSize = Math.Max(1, options.Value.ImportBatchSize);
    // Locations found so far; a code not in it is looked up (once per batch) before its records count as unknown.
    private readonly HashSet<string> _knownLocations = new(StringComparer.Ordinal);
    // Locations this import applied at least one record for: the ones a full import is the truth for.
    private readonly HashSet<string> _listedLocations = new(StringComparer.Ordinal);

    /// <summary>Runs the import to <c>completed</c> or <c>failed</c>; never throws, and always deletes the file.</summary>
    public async Task RunAsync(QueuedImport job, CancellationToken cancellationToken)
    {
        try
        {
            if (!await TransitionAsync(job.Id, i => i.Start(clock.UtcNow), onlyIf: ImportStatus.Queued, cancellationToken)) return;
            var outcome = await ApplyAsync(job, cancellationToken);
            await TransitionAsync(job.Id, i =>
            {
                if (outcome is null) i.Complete(clock.UtcNow);
                else i.Fail(outcome, clock.UtcNow);
            }, onlyIf: ImportStatus.Running, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await FailQuietlyAsync(job.Id, "interrupted by a shutdown of the server; the batches applied before it stay applied");
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Stock import {ImportId} stopped on an unexpected error.", job.Id);
            await FailQuietlyAsync(job.Id, "stopped by an unexpected error (see the server log); the batches applied before it stay applied");
        }
        finally
        {
            queue.DeleteFile(job.Id);
        }
    }

    /// <summary>Applies the file; returns null when it was read to the end, else why it could not be read.</summary>
    private async Task<string?> ApplyAsync(QueuedImport job, CancellationToken cancellationToken)
    {
        var import = await db.StockImports.AsNoTracking().SingleAsync(i => i.Id == job.Id, cancellationToken);
        // CSV rows of one SKU add futures, also across batches; a full import must know every pair it mentioned.
        var futuresAddUp = job.Format == StockFileFormat.Csv;
        var remember = futuresAddUp || import.ZeroesUnmentionedStock;
        var writer = StockImportWriter.For(db);
        // The writer's work tables live in the session: one connection for the whole import.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await writer.PrepareAsync(cancellationToken);
            var reader = new BatchReader(job, _batchSize);
            using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = Task.Run(() => reader.RunAsync(stopReading.Token), CancellationToken.None);
            try
            {
                await foreach (var batch in reader.Batches.ReadAllAsync(cancellationToken))
                    await ApplyBatchAsync(job.Id, batch, writer, futuresAddUp, remember, cancellationToken);
            }
            finally
            {
                await stopReading.CancelAsync();
                await reading;
            }
            if (reader.Unreadable is { } unreadable) return unreadable.Message;
            reader.Failure?.Throw();
            if (import.ZeroesUnmentionedStock) await ZeroUnmentionedAsync(writer, cancellationToken);
            return null;
        }
        finally
        {
            try
            {
                await writer.CleanUpAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Emptying the work tables of stock import {ImportId} failed.", job.Id);
            }
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task ApplyBatchAsync(string importId, ImportBatch batch, StockImportWriter writer, bool futuresAddUp, bool remember, CancellationToken cancellationToken)
    {
        await LearnLocationsAsync(batch.Records, cancellationToken);
        var errors = batch.Errors.Select(e => new ImportError(e.Line, e.RecordId, e.Message)).ToList();
        var records = new List<StockRecord>(batch.Records.Count);
        foreach (var record in batch.Records)
        {
            if (_knownLocations.Contains(record.Location)) records.Add(record);
            else errors.Add(new ImportError(record.Line, record.RecordId, $"location '{record.Location}' does not exist"));
        }
        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        var recordIds = records.Select(r => r.RecordId).Distinct(StringComparer.Ordinal).ToList();

        var listed = await PersistentlyAsync(async () =>
        {
            var now = clock.UtcNow;
            await writer.StartBatchAsync(cancellationToken);
            var claimed = recordIds.Count == 0 ? [] : await writer.ClaimAsync(importId, recordIds, now, cancellationToken);
            var (rows, applied, locations) = Merge(records, claimed, futuresAddUp);
            if (rows.Count > 0) await writer.ApplyAsync(rows, remember, now, cancellationToken);
            var import = await db.StockImports.SingleAsync(i => i.Id == importId, cancellationToken);
            import.Applied(batch.Lines, applied, records.Count - applied, errors);
            await db.SaveChangesAsync(cancellationToken);
            return locations;
        }, cancellationToken);
        db.ChangeTracker.Clear();
        _listedLocations.UnionWith(listed);
    }

    /// <summary>The batch's records per location and SKU, in file order: those whose recordId this import claimed apply.</summary>
    private static (List<StockRowChange> Rows, long Applied, HashSet<string> Locations) Merge(List<StockRecord> records, HashSet<string> claimed, bool futuresAddUp)
    {
        var merged = new Dictionary<(string Location, string Sku), ImportedStock>();
        var locations = new HashSet<string>(StringComparer.Ordinal);
        long applied = 0;
        foreach (var record in records)
        {
            if (!merged.TryGetValue((record.Location, record.Sku), out var stock))
                merged[(record.Location, record.Sku)] = stock = new ImportedStock();
            if (!claimed.Contains(record.RecordId)) continue;
            stock.Apply(record.OnHand, record.SafetyStock, record.Futures, futuresAddUp);
            locations.Add(record.Location);
            applied++;
        }
        var rows = new List<StockRowChange>(merged.Count);
        foreach (var ((location, sku), stock) in merged)
        {
            var futures = stock.Futures.Count == 0 ? StockRowChange.NoFutures : JsonSerializer.Serialize(stock.Futures, WaybillJson.Options);
            rows.Add(new StockRowChange(location, sku, stock.OnHand, stock.SafetyStock, stock.FutureQuantity, futures, stock.Applies, futuresAddUp));
        }
        return (rows, applied, locations);
    }

    private async Task LearnLocationsAsync(List<StockRecord> records, CancellationToken cancellationToken)
    {
        var unknown = records.Select(r => r.Location).Where(l => !_knownLocations.Contains(l)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0) return;
        _knownLocations.UnionWith(await db.Locations.AsNoTracking().Where(l => unknown.Contains(l.Code)).Select(l => l.Code).ToListAsync(cancellationToken));
    }

    /// <summary>
    /// The end of a full import: the SKUs with stock or futures at its listed locations that the file did not mention go to
    /// zero — in batches, in key order, each its own transaction like the file's batches.
    /// </summary>
    private async Task ZeroUnmentionedAsync(StockImportWriter writer, CancellationToken cancellationToken)
    {
        if (_listedLocations.Count == 0) return;
        var after = ("", "");
        while (true)
        {
            var zeroed = await PersistentlyAsync(async () =>
            {
                await writer.StartBatchAsync(cancellationToken);
                var keys = await writer.UnmentionedAsync(_listedLocations, after, _batchSize, cancellationToken);
                if (keys.Count > 0)
                    await writer.ApplyAsync(keys.Select(k => StockRowChange.Zero(k.Location, k.Sku)).ToList(), remember: false, clock.UtcNow, cancellationToken);
                return keys;
            }, cancellationToken);
            if (zeroed.Count < _batchSize) return;
            after = zeroed[^1];
        }
    }

    /// <summary>
    /// A batch's transaction, tried again when it loses a race. Deadlocks: a reservation locks a SKU's location row and
    /// then its group rows, one SKU after the other, while a batch locks all its location rows first — no single order
    /// suits both, so PostgreSQL breaks the odd cycle and the batch (which holds the most) is usually the one to go again.
    /// New rows: the batch inserts recordIds and first stock rows without ON CONFLICT (cheaper), so one created by another
    /// transaction meanwhile fails the batch. Either way it goes again after a pause, well beyond the few tries a request
    /// gets: failing a million-line import for it would be worse.
    /// </summary>
    private async Task<T> PersistentlyAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                return await commit.InTransactionAsync(work, cancellationToken);
            }
            catch (Exception ex) when (round < RetryRounds && (DbErrors.IsDeadlock(ex) || IsRowCreatedMeanwhile(ex)))
            {
                db.ChangeTracker.Clear();
                log.LogInformation(ex, "A stock import batch lost a race (round {Round}); trying it again.", round);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * round), cancellationToken);
            }
        }
    }

    /// <summary>Another transaction created a row this batch inserts (a recordId, a SKU's first stock row) since it looked.</summary>
    private static bool IsRowCreatedMeanwhile(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation, TableName: "applied_import_records" or "stock_levels" }) return true;
        return false;
    }

    /// <summary>Moves the import on in its own transaction; false when it is no longer in <paramref name="onlyIf"/>.</summary>
    private Task<bool> TransitionAsync(string importId, Action<StockImport> transition, ImportStatus onlyIf, CancellationToken cancellationToken) =>
        commit.InTransactionAsync(async () =>
        {
            var import = await db.StockImports.SingleOrDefaultAsync(i => i.Id == importId, cancellationToken);
            if (import?.Status != onlyIf) return false;
            transition(import);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return true;
        }, cancellationToken);

    private async Task FailQuietlyAsync(string importId, string reason)
    {
        try
        {
            db.ChangeTracker.Clear();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await commit.InTransactionAsync(async () =>
            {
                var import = await db.StockImports.SingleOrDefaultAsync(i => i.Id == importId, timeout.Token);
                if (import is null || import.Status is ImportStatus.Completed or ImportStatus.Failed) return false;
                import.Fail(reason, clock.UtcNow);
                await db.SaveChangesAsync(timeout.Token);
                return true;
            }, timeout.Token);
        }
        catch (Exception ex)
        {
            // The next start marks it failed (interrupted) instead.
            log.LogWarning(ex, "Could not mark stock import {ImportId} failed.", importId);
        }
    }
}
