using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// Runs the imports this node received, one at a time in arrival order: one import already keeps a database connection
/// and a core busy, and two at once would only race for the same rows. At start, imports a previous process left
/// <c>queued</c> or <c>running</c> are marked <c>failed</c> — their spooled files went with it.
/// </summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, ImportQueue queue, IClock clock, ILogger<ImportWorker> log) : BackgroundService
{
    public const string Interrupted = "interrupted by a restart of the server before it finished; the batches applied before it stay applied — send the file again";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server takes requests (hosted services start first), so no import queued by this process is swept.
        await FailInterruptedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
            // Shutting down: the running import marked itself failed; the queued ones are swept at the next start.
        }
    }

    /// <summary>Marks the imports a previous process left unfinished failed (run at start, before requests are taken).</summary>
    public async Task FailInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        var commit = scope.ServiceProvider.GetRequiredService<RequestCommit>();
        var failed = await commit.InTransactionAsync(async () =>
        {
            var left = await db.StockImports.Where(i => i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running).ToListAsync(cancellationToken);
            foreach (var import in left) import.Fail(Interrupted, clock.UtcNow);
            await db.SaveChangesAsync(cancellationToken);
            return left.Select(i => i.Id).ToList();
        }, cancellationToken);
        foreach (var id in failed) queue.DeleteFile(id);
        if (failed.Count > 0) log.LogWarning("Marked {Count} stock imports failed: they were left unfinished by a previous run.", failed.Count);
    }
}
