using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// Runs the imports this node received, one at a time in arrival order: one import already keeps a database connection
/// and a core busy, and two at once would only race for the same rows. Beside that it keeps this node's unfinished
/// imports' heartbeat fresh, and fails the imports whose node has stopped (<see cref="ImportNode"/>) — its own previous
/// run's included — since their files went with it.
/// </summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, ImportQueue queue, ImportNode node, IClock clock, ILogger<ImportWorker> log) : BackgroundService
{
    public const string Interrupted = "interrupted: the Waybill node running it stopped before it finished (a restart or a crash); the batches applied before it stay applied — send the file again";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server takes requests (hosted services start first): what is already abandoned is failed at once.
        await FailAbandonedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heartbeat = KeepAliveAsync(stoppingToken);
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StockImportRun>().RunAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the running import marked itself failed; the queued ones are failed once their heartbeat is stale.
        }
        await heartbeat;
    }

    private async Task KeepAliveAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(node.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
                    await scope.ServiceProvider.GetRequiredService<RequestCommit>().InTransactionAsync(async () =>
                    {
                        await node.BeatAsync(db, stoppingToken);
                        return true;
                    }, stoppingToken);
                    await FailAbandonedAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A missed beat is made up by the next; three in a row let other nodes fail this node's imports.
                    log.LogWarning(ex, "The stock import heartbeat failed; trying again in {Interval}.", node.HeartbeatInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Marks failed the unfinished imports whose node has not been heard of for three heartbeats, and deletes their files if they are here.</summary>
    public async Task FailAbandonedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        var commit = scope.ServiceProvider.GetRequiredService<RequestCommit>();
        var cutoff = node.AbandonedBefore;
        List<string> failed;
        try
        {
            failed = await commit.InTransactionAsync(async () =>
            {
                var left = await db.StockImports
                    .Where(i => (i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running) && i.HeartbeatAt < cutoff)
                    .ToListAsync(cancellationToken);
                foreach (var import in left) import.Fail(Interrupted, clock.UtcNow);
                await db.SaveChangesAsync(cancellationToken);
                return left.Select(i => i.Id).ToList();
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Its node moved it meanwhile (a batch, its end): alive after all, or another node failed it first.
            return;
        }
        foreach (var id in failed) queue.DeleteFile(id);
        if (failed.Count > 0) log.LogWarning("Marked {Count} stock imports failed: the node running them stopped.", failed.Count);
    }
}
