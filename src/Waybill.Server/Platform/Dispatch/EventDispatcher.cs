using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Server.Data;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Platform.Dispatch;

/// <summary>
/// Hands every committed outbox event to every <see cref="IEventConsumer"/>, in sequence order, at least once
/// (docs/decisions/0011-event-dispatch.md). Each consumer runs in its own loop with its own cursor: one that throws is
/// retried with backoff while the others go on. A lease on the cursor row means one node at a time dispatches a
/// consumer; the events read are only those the feed would serve (decision 0003), so a cursor never skips one.
/// </summary>
public sealed class EventDispatcher(
    IServiceScopeFactory scopes, IOptions<DispatchOptions> options, WorkSignals signals, NodeIdentity node, IClock clock,
    SqliteWriteGate sqliteWrites, ILogger<EventDispatcher> log) : BackgroundService
{
    private readonly DispatchOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        List<string> names;
        await using (var scope = scopes.CreateAsyncScope())
            names = scope.ServiceProvider.GetServices<IEventConsumer>().Select(c => c.Name).Distinct().ToList();
        await Task.WhenAll(names.Select(name => Task.Run(() => RunConsumerAsync(name, stoppingToken), CancellationToken.None)));
    }

    private async Task RunConsumerAsync(string consumer, CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var woken = signals.Events.Next;
                var more = false;
                try
                {
                    (more, var failed) = await DispatchBatchAsync(consumer, stoppingToken);
                    if (failed)
                    {
                        failures++;
                        await Task.Delay(Backoff.After(failures, _options.RetryBaseDelay, _options.RetryMaxDelay), stoppingToken);
                        continue;
                    }
                    failures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(ex, "Dispatching to {Consumer} failed; trying again after the poll interval.", consumer);
                }
                if (!more) await WorkSignal.WaitAsync(woken, _options.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await ReleaseAsync(consumer);
        }
    }

    /// <summary>
    /// Takes (or renews) the consumer's lease and hands over the next batch after its cursor. Returns whether a whole batch
    /// was handled (so more may wait), and whether the consumer threw (so the loop backs off).
    /// </summary>
    private async Task<(bool More, bool Failed)> DispatchBatchAsync(string consumer, CancellationToken cancellationToken)
    {
        List<OutboxEvent> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var cursor = await LeaseAsync(db, consumer, cancellationToken);
            if (cursor is null) return (false, false);
            batch = await EventFeed.InFeedOrder(db, EventFeed.After(db, cursor.Value))
                .Take(_options.BatchSize).AsNoTracking().ToListAsync(cancellationToken);
        }

        // The cursor moves once a batch, not once an event: an event costs its consumer's work and nothing more (a
        // million-line import announces a million). At least once either way: after a crash the events since the last
        // move are handed over again, and consumers find what they already did (decision 0011).
        var full = batch.Count == _options.BatchSize;
        if (batch.Count == 0) return (false, false);
        bool isBatchConsumer;
        await using (var scope = scopes.CreateAsyncScope())
            isBatchConsumer = scope.ServiceProvider.GetServices<IEventConsumer>().First(c => c.Name == consumer) is IBatchEventConsumer;
        var (handled, failed) = isBatchConsumer
            ? await HandleBatchAsync(consumer, batch, cancellationToken)
            : await HandleEachAsync(consumer, batch, cancellationToken);
        if (handled is { } last)
        {
            await using var scope = scopes.CreateAsyncScope();
            // The lease went to another node (this one stalled past it): stop; that node goes on from the cursor.
            if (!await AdvanceAsync(scope.ServiceProvider.GetRequiredService<WaybillDb>(), consumer, last, cancellationToken)) return (false, false);
        }
        return (!failed && full, failed);
    }

    /// <summary>A batch consumer gets the whole batch in one scope: all of it is handled, or none.</summary>
    private async Task<(FeedPosition? Handled, bool Failed)> HandleBatchAsync(string consumer, List<OutboxEvent> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = (IBatchEventConsumer)scope.ServiceProvider.GetServices<IEventConsumer>().First(c => c.Name == consumer);
        try
        {
            await handler.HandleBatchAsync(batch.Select(DispatchedEvent.From).ToList(), cancellationToken);
            return (FeedPosition.Of(batch[^1]), false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning(ex, "Consumer {Consumer} failed on the events #{First}–#{Last}; it gets them again after a backoff.",
                consumer, batch[0].Sequence, batch[^1].Sequence);
            return (null, true);
        }
    }

    /// <summary>Any other consumer gets the events one by one, each in its own scope, up to the first that fails.</summary>
    private async Task<(FeedPosition? Handled, bool Failed)> HandleEachAsync(string consumer, List<OutboxEvent> batch, CancellationToken cancellationToken)
    {
        FeedPosition? handled = null;
        foreach (var row in batch)
        {
            var e = DispatchedEvent.From(row);
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices<IEventConsumer>().First(c => c.Name == consumer);
            try
            {
                await handler.HandleAsync(e, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                log.LogWarning(ex, "Consumer {Consumer} failed on event {EventId} ({Type}, #{Sequence}); it gets the event again after a backoff.",
                    consumer, e.Id, e.Type, e.Sequence);
                return (handled, true);
            }
            handled = FeedPosition.Of(row);
        }
        return (handled, false);
    }

    /// <summary>The consumer's cursor, once this node holds its lease; null while another node holds it.</summary>
    private async Task<FeedPosition?> LeaseAsync(WaybillDb db, string consumer, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var until = now + _options.Lease;
        var name = node.Name;
        async Task<FeedPosition?> Take()
        {
            // A consumer seen for the first time starts at the beginning of the outbox.
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO event_cursors (consumer, last_sequence, last_transaction_id) VALUES ({consumer}, 0, 0) ON CONFLICT (consumer) DO NOTHING", cancellationToken);
            var taken = await db.EventCursors
                .Where(c => c.Consumer == consumer && (c.LeaseOwner == null || c.LeaseOwner == name || c.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, name).SetProperty(c => c.LeaseUntil, until), cancellationToken);
            if (taken == 0) return null;
            var cursor = await db.EventCursors.AsNoTracking().Where(c => c.Consumer == consumer).FirstAsync(cancellationToken);
            return cursor.Position;
        }
        return db.IsPostgres ? await Take() : await sqliteWrites.RunAsync(Take, cancellationToken);
    }

    private async Task<bool> AdvanceAsync(WaybillDb db, string consumer, FeedPosition position, CancellationToken cancellationToken)
    {
        var name = node.Name;
        var until = clock.UtcNow + _options.Lease;
        Task<int> Write() => db.EventCursors
            .Where(c => c.Consumer == consumer && c.LeaseOwner == name)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.LastSequence, position.Sequence)
                .SetProperty(c => c.LastTransactionId, position.TransactionId)
                .SetProperty(c => c.LeaseUntil, until), cancellationToken);
        var updated = db.IsPostgres ? await Write() : await sqliteWrites.RunAsync(Write, cancellationToken);
        return updated == 1;
    }

    /// <summary>Hands the consumer back at shutdown, so another node takes over without waiting out the lease.</summary>
    private async Task ReleaseAsync(string consumer)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var name = node.Name;
            Task<int> Write() => db.EventCursors.Where(c => c.Consumer == consumer && c.LeaseOwner == name)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTimeOffset?)null));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (db.IsPostgres) await Write(); else await sqliteWrites.RunAsync(Write, timeout.Token);
        }
        catch (Exception ex)
        {
            log.LogDebug(ex, "Releasing the lease of {Consumer} failed; it runs out by itself.", consumer);
        }
    }
}
