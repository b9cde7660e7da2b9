using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Server.Data;

namespace Waybill.Server.Platform.Jobs;

/// <summary>
/// Claims due jobs with a lease and runs each with its handler, in its own DI scope. Several nodes on one PostgreSQL
/// never run a job at the same time: the claim is one <c>UPDATE … FOR UPDATE SKIP LOCKED</c>; on SQLite (one node) it is
/// one statement under the process's write gate. A lease that ran out (its node died) makes the job claimable again.
/// </summary>
public sealed class JobWorker(
    IServiceScopeFactory scopes, IOptions<JobOptions> options, WorkSignals signals, NodeIdentity node, IClock clock, SqliteWriteGate sqliteWrites,
    ILogger<JobWorker> log) : BackgroundService
{
    private readonly JobOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        // Let the host finish starting (migrations run in a hosted service before this one is started, but be polite).
        await Task.Yield();
        // Up to BatchSize jobs run side by side; a free slot is filled as soon as a job ends, so one slow job (a webhook
        // receiver that hangs until its timeout) never holds back the jobs claimed with it.
        var running = new List<Task>();
        var ended = new WorkSignal();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var woken = signals.Jobs.Next;
                var slotFreed = ended.Next;
                running.RemoveAll(t => t.IsCompleted);
                var free = _options.BatchSize - running.Count;
                var claimed = 0;
                if (free > 0)
                {
                    try
                    {
                        var jobs = await ClaimAsync(free, stoppingToken);
                        claimed = jobs.Count;
                        foreach (var job in jobs) running.Add(RunThenSignalAsync(job, ended, stoppingToken));
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        log.LogWarning(ex, "Claiming jobs failed; trying again after the poll interval.");
                    }
                }
                // Every slot busy: more may be due, claim again as soon as one frees. Otherwise nothing more is due: wait for
                // new jobs (this node's commits wake it) or the poll interval (jobs of other nodes, due times coming).
                var wakeOn = claimed == free ? slotFreed : woken;
                try
                {
                    await WorkSignal.WaitAsync(wakeOn, _options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            // Jobs stop at the token; their leases run out and they are claimed again (at least once).
            try
            {
                await Task.WhenAll(running);
            }
            catch (OperationCanceledException)
            {
                // Expected while stopping.
            }
        }
    }

    private async Task RunThenSignalAsync(Job job, WorkSignal ended, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await RunAsync(job, cancellationToken);
        }
        finally
        {
            ended.Raise();
        }
    }

    private async Task<List<Job>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        var now = clock.UtcNow;
        var until = now + _options.Lease;
        if (db.IsPostgres)
        {
            return await db.Jobs.FromSql($"""
                UPDATE jobs SET status = 'running', lease_owner = {node.Name}, lease_until = {until}, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE (status = 'pending' AND due_at <= {now}) OR (status = 'running' AND lease_until < {now})
                    ORDER BY due_at LIMIT {limit}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).AsNoTracking().ToListAsync(cancellationToken);
        }
        // SQLite keeps timestamps as UTC ticks (decision 0001) and has one writer at a time.
        var nowTicks = now.UtcTicks;
        var untilTicks = until.UtcTicks;
        return await sqliteWrites.RunAsync(() => db.Jobs.FromSql($"""
            UPDATE jobs SET status = 'running', lease_owner = {node.Name}, lease_until = {untilTicks}, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM jobs
                WHERE (status = 'pending' AND due_at <= {nowTicks}) OR (status = 'running' AND lease_until < {nowTicks})
                ORDER BY due_at LIMIT {limit})
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken), cancellationToken);
    }

    private async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        string? error = null;
        var giveUp = false;
        int? maxAttempts = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices<IJobHandler>().FirstOrDefault(h => h.Kind == job.Kind);
            if (handler is null)
            {
                error = $"No handler for jobs of kind '{job.Kind}' on node {node.Name}.";
                giveUp = true;
            }
            else
            {
                maxAttempts = handler.MaxAttempts;
                await handler.HandleAsync(job, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and another node (or the next start) runs the job again.
            return;
        }
        catch (JobGiveUpException ex)
        {
            error = ex.Message;
            giveUp = true;
        }
        catch (Exception ex)
        {
            error = $"{ex.GetType().Name}: {ex.Message}";
        }

        try
        {
            await FinishAsync(job, error, giveUp, maxAttempts ?? _options.MaxAttempts, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease runs out and the job is run again: at least once.
            log.LogWarning(ex, "Recording the end of job {JobId} ({Kind}) failed.", job.Id, job.Kind);
        }
    }

    private async Task FinishAsync(Job job, string? error, bool giveUp, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        var now = clock.UtcNow;
        // Only while this node still holds the lease: a node whose lease ran out must not overwrite the new owner's run.
        var mine = db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseOwner == node.Name);
        Func<Task<int>> write;
        if (error is null)
        {
            write = () => mine.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Done)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }
        else if (giveUp || job.Attempts >= maxAttempts)
        {
            log.LogWarning("Job {JobId} ({Kind}) failed after {Attempts} attempts: {Error}", job.Id, job.Kind, job.Attempts, error);
            write = () => mine.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Failed)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }
        else
        {
            var due = now + Backoff.After(job.Attempts, _options.RetryBaseDelay, _options.RetryMaxDelay);
            log.LogInformation("Job {JobId} ({Kind}) attempt {Attempts} failed, retrying at {Due}: {Error}", job.Id, job.Kind, job.Attempts, due, error);
            write = () => mine.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Pending)
                .SetProperty(j => j.DueAt, due)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }
        var updated = db.IsPostgres ? await write() : await sqliteWrites.RunAsync(write, cancellationToken);
        if (updated == 0)
            log.LogWarning("Job {JobId} ({Kind}) finished after its lease was taken over; the other run's outcome stands.", job.Id, job.Kind);
    }
}
