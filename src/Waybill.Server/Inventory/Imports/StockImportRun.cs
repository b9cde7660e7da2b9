using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
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
    // Rounds of RequestCommit's own deadlock retries (5 each) before a batch gives up and fails the import.
    private const int DeadlockRounds = 10;

    private readonly List<string> T = [];
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
                var sw = System.Diagnostics.Stopwatch.StartNew();
                await foreach (var batch in reader.Batches.ReadAllAsync(cancellationToken))
                {
                    var waited = sw.ElapsedMilliseconds; sw.Restart();
                    await ApplyBatchAsync(job.Id, batch, writer, futuresAddUp, remember, cancellationToken);
                    log.LogWarning("TIMING waited {W} ms, applied in {A} ms {T}", waited, sw.ElapsedMilliseconds, string.Join(",", T)); T.Clear(); sw.Restart();
                }
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
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var claimed = recordIds.Count == 0 ? [] : await writer.ClaimAsync(importId, recordIds, now, cancellationToken);
            T.Add("claim " + sw.ElapsedMilliseconds); sw.Restart();
            var (rows, applied, locations) = Merge(records, claimed, futuresAddUp);
            T.Add("merge " + sw.ElapsedMilliseconds); sw.Restart();
            if (rows.Count > 0) await writer.ApplyAsync(rows, remember, now, cancellationToken);
            T.Add("apply " + sw.ElapsedMilliseconds); sw.Restart();
            var import = await db.StockImports.SingleAsync(i => i.Id == importId, cancellationToken);
            import.Applied(batch.Lines, applied, records.Count - applied, errors);
            await db.SaveChangesAsync(cancellationToken);
            T.Add("save " + sw.ElapsedMilliseconds); sw.Restart();
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
    /// A batch's transaction, tried again when it loses deadlocks: a reservation locks a SKU's location row and then its
    /// group rows, one SKU after the other, while a batch locks all its location rows first — no single order suits both,
    /// so PostgreSQL breaks the odd cycle and the batch (which holds the most) is usually the one to go again. It does,
    /// after a pause, well beyond the few tries a request gets: failing a million-line import for it would be worse.
    /// </summary>
    private async Task<T> PersistentlyAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                return await commit.InTransactionAsync(work, cancellationToken);
            }
            catch (Exception ex) when (round < DeadlockRounds && DbErrors.IsDeadlock(ex))
            {
                db.ChangeTracker.Clear();
                log.LogInformation("A stock import batch lost {Tries} deadlocks in a row; trying it again.", round * 5);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * round), cancellationToken);
            }
        }
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

/// <summary>A slice of the file as read: its records and bad lines, in file order.</summary>
internal sealed class ImportBatch(int capacity)
{
    public List<StockRecord> Records { get; } = new(capacity);
    public List<ImportLineError> Errors { get; } = [];
    public int Lines => Records.Count + Errors.Count;

    public void Add(ImportItem item)
    {
        if (item.IsRecord) Records.Add(item.Record);
        else Errors.Add(item.Error);
    }
}

/// <summary>
/// Reads an import's file into batches on its own task, a couple of batches ahead of the writer: parsing and the
/// database's work overlap instead of taking turns. A file that cannot be read ends the batches early with the reason.
/// </summary>
internal sealed class BatchReader(QueuedImport job, int batchSize)
{
    private readonly Channel<ImportBatch> _batches = Channel.CreateBounded<ImportBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });

    public ChannelReader<ImportBatch> Batches => _batches.Reader;

    /// <summary>Set when the file as a whole could not be read; the batches before it were handed out.</summary>
    public StockFileUnreadableException? Unreadable { get; private set; }

    /// <summary>Anything else that stopped the reading (the file gone, a disk error).</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(job.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var batch = new ImportBatch(batchSize);
            await foreach (var item in StockFileReader.ReadAsync(file, job.Format, cancellationToken))
            {
                batch.Add(item);
                if (batch.Lines < batchSize) continue;
                await _batches.Writer.WriteAsync(batch, cancellationToken);
                batch = new ImportBatch(batchSize);
            }
            if (batch.Lines > 0) await _batches.Writer.WriteAsync(batch, cancellationToken);
        }
        catch (StockFileUnreadableException ex)
        {
            Unreadable = ex;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The writer stopped first (shutdown, or its own failure); it reports why.
        }
        catch (Exception ex)
        {
            Failure = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            _batches.Writer.TryComplete();
        }
    }
}
