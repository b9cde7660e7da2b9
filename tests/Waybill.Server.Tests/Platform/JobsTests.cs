using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Platform;

/// <summary>Durable jobs on one node: scheduled with the change that wanted them, run once, retried, failed, taken over.</summary>
public abstract class JobsTests(WaybillServer server)
{
    private JobRuns Runs => server.Services.GetRequiredService<JobRuns>();

    private async Task<string> ScheduleAsync(string kind, int delayMs = 0, TimeSpan? dueIn = null)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var scheduler = scope.ServiceProvider.GetRequiredService<JobScheduler>();
        var clock = scope.ServiceProvider.GetRequiredService<IClock>();
        var job = scheduler.Schedule(kind, new RecordingPayload(delayMs), clock.UtcNow + (dueIn ?? TimeSpan.Zero), subject: "order-1");
        await scope.ServiceProvider.GetRequiredService<RequestCommit>().SaveAsync(200, new { }, null, CancellationToken.None);
        return job.Id;
    }

    private async Task<Job?> FindAsync(string id)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WaybillDb>().Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id);
    }

    private Task UntilStatus(string id, JobStatus status) =>
        WorkTestHost.Eventually(async () => (await FindAsync(id))?.Status == status, $"job {id} is {status}");

    [Fact]
    public async Task A_due_job_runs_once_and_is_done()
    {
        var id = await ScheduleAsync(RecordingJobHandler.JobKind);
        await UntilStatus(id, JobStatus.Done);
        await Task.Delay(400);
        Assert.Equal(1, Runs.CountOf(id));
        var job = (await FindAsync(id))!;
        Assert.Equal(1, job.Attempts);
        Assert.NotNull(job.FinishedAt);
        Assert.Null(job.LeaseOwner);
        Assert.Equal("order-1", job.Subject);
    }

    [Fact]
    public async Task A_job_scheduled_in_a_transaction_that_rolls_back_never_runs()
    {
        var rolledBack = "";
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var commit = scope.ServiceProvider.GetRequiredService<RequestCommit>();
            var scheduler = scope.ServiceProvider.GetRequiredService<JobScheduler>();
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => commit.InTransactionAsync<bool>(async () =>
            {
                rolledBack = scheduler.ScheduleNow(RecordingJobHandler.JobKind, new RecordingPayload(0)).Id;
                await db.SaveChangesAsync();
                throw new InvalidOperationException("the change that wanted the job failed");
            }, CancellationToken.None));
            Assert.Equal("the change that wanted the job failed", ex.Message);
        }
        // A job committed afterwards runs; by then the rolled-back one would have been claimed first (it is due earlier).
        var marker = await ScheduleAsync(RecordingJobHandler.JobKind);
        await UntilStatus(marker, JobStatus.Done);
        Assert.Equal(0, Runs.CountOf(rolledBack));
        Assert.Null(await FindAsync(rolledBack));
    }

    [Fact]
    public async Task A_job_waits_until_it_is_due()
    {
        var id = await ScheduleAsync(RecordingJobHandler.JobKind, dueIn: TimeSpan.FromSeconds(1.5));
        await Task.Delay(600);
        Assert.Equal(0, Runs.CountOf(id));
        Assert.Equal(JobStatus.Pending, (await FindAsync(id))!.Status);
        await UntilStatus(id, JobStatus.Done);
        Assert.Equal(1, Runs.CountOf(id));
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_backoff_then_failed()
    {
        var id = await ScheduleAsync(FailingJobHandler.JobKind);
        await UntilStatus(id, JobStatus.Failed);
        var job = (await FindAsync(id))!;
        Assert.Equal(3, job.Attempts);
        Assert.Contains("the carrier is down", job.LastError);
        Assert.NotNull(job.FinishedAt);
        var runs = Runs.Runs.Where(r => r.JobId == id).OrderBy(r => r.At).ToList();
        Assert.Equal([1, 2, 3], runs.Select(r => r.Attempt));
        // Backoff 200 ms after the first failure, 400 ms (the cap) after the second.
        Assert.True(runs[1].At - runs[0].At >= TimeSpan.FromMilliseconds(190), $"first retry after {(runs[1].At - runs[0].At).TotalMilliseconds} ms");
        Assert.True(runs[2].At - runs[1].At >= TimeSpan.FromMilliseconds(390), $"second retry after {(runs[2].At - runs[1].At).TotalMilliseconds} ms");
        await Task.Delay(600);
        Assert.Equal(3, Runs.CountOf(id));
    }

    [Fact]
    public async Task A_handler_that_gives_up_fails_the_job_at_once()
    {
        var id = await ScheduleAsync(GivingUpJobHandler.JobKind);
        await UntilStatus(id, JobStatus.Failed);
        var job = (await FindAsync(id))!;
        Assert.Equal(1, job.Attempts);
        Assert.Equal("the order is gone", job.LastError);
    }

    [Fact]
    public async Task A_job_of_a_kind_nobody_handles_fails_with_a_clear_error()
    {
        var id = await ScheduleAsync("test.nobody");
        await UntilStatus(id, JobStatus.Failed);
        Assert.Contains("No handler for jobs of kind 'test.nobody'", (await FindAsync(id))!.LastError);
    }

    [Fact]
    public async Task A_job_whose_lease_ran_out_is_taken_over_and_a_live_lease_is_left_alone()
    {
        var clock = server.Services.GetRequiredService<IClock>();
        Job Leased(string owner, TimeSpan leaseLeft) => new()
        {
            Id = Guid.NewGuid().ToString("N"),
            Kind = RecordingJobHandler.JobKind,
            Payload = """{"delayMs":0}""",
            DueAt = clock.UtcNow.AddMinutes(-10),
            Attempts = 1,
            Status = JobStatus.Running,
            LeaseOwner = owner,
            LeaseUntil = clock.UtcNow + leaseLeft,
            CreatedAt = clock.UtcNow.AddMinutes(-10),
        };
        var orphan = Leased("dead-node", TimeSpan.FromMinutes(-1));
        var busy = Leased("busy-node", TimeSpan.FromMinutes(5));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            db.Jobs.AddRange(orphan, busy);
            await db.SaveChangesAsync();
        }

        await UntilStatus(orphan.Id, JobStatus.Done);
        var taken = (await FindAsync(orphan.Id))!;
        Assert.Equal(2, taken.Attempts);
        Assert.Equal(2, Assert.Single(Runs.Runs, r => r.JobId == orphan.Id).Attempt);

        await Task.Delay(500);
        Assert.Equal(0, Runs.CountOf(busy.Id));
        var stillBusy = (await FindAsync(busy.Id))!;
        Assert.Equal((JobStatus.Running, "busy-node"), (stillBusy.Status, stillBusy.LeaseOwner));
    }
}

public sealed class JobsOnSqlite(WorkSqliteServer server) : JobsTests(server), IClassFixture<WorkSqliteServer>;

public sealed class JobsOnPostgres(WorkPostgresServer server) : JobsTests(server), IClassFixture<WorkPostgresServer>;

/// <summary>Two Waybill hosts (two nodes) on one PostgreSQL database: each job runs exactly once.</summary>
public sealed class JobsOnTwoNodesTests(WorkPostgresServer server) : IClassFixture<WorkPostgresServer>
{
    [Fact]
    public async Task Two_nodes_on_one_postgresql_run_each_of_many_jobs_exactly_once()
    {
        var database = server.Services.GetRequiredService<DatabaseSettings>().ConnectionString;
        await using var second = WorkTestHost.SecondNode(database);
        _ = second.Server;

        const int count = 60;
        var ids = new List<string>();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<JobScheduler>();
            var clock = scope.ServiceProvider.GetRequiredService<IClock>();
            // Due a moment from now, so both nodes are polling when they come due.
            for (var i = 0; i < count; i++)
                ids.Add(scheduler.Schedule(RecordingJobHandler.JobKind, new RecordingPayload(30), clock.UtcNow.AddMilliseconds(300)).Id);
            await scope.ServiceProvider.GetRequiredService<WaybillDb>().SaveChangesAsync();
        }

        var runsHere = server.Services.GetRequiredService<JobRuns>();
        var runsThere = second.Services.GetRequiredService<JobRuns>();
        var idSet = ids.ToHashSet();
        await WorkTestHost.Eventually(async () =>
        {
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            return await db.Jobs.CountAsync(j => ids.Contains(j.Id) && j.Status == JobStatus.Done) == count;
        }, "every job is done", seconds: 30);
        await Task.Delay(500);

        var all = runsHere.Runs.Concat(runsThere.Runs).Where(r => idSet.Contains(r.JobId)).ToList();
        Assert.All(ids, id => Assert.Equal(1, all.Count(r => r.JobId == id)));
        var perNode = all.GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perNode.Count == 2, "Both nodes should have run some jobs: " + string.Join(", ", perNode.Select(p => $"{p.Key}={p.Value}")));
    }
}
