using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Platform.Jobs;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Platform;

/// <summary>What the test job handlers saw on one host: every run, with the node that ran it.</summary>
public sealed class JobRuns
{
    public ConcurrentQueue<(string JobId, string Node, int Attempt, DateTimeOffset At)> Runs { get; } = new();

    public int CountOf(string jobId) => Runs.Count(r => r.JobId == jobId);
}

/// <summary>Records every run; waits <c>delayMs</c> of the payload first, so runs on two nodes overlap.</summary>
public sealed class RecordingJobHandler(JobRuns runs, NodeIdentity node) : IJobHandler
{
    public const string JobKind = "test.record";
    public string Kind => JobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        runs.Runs.Enqueue((job.Id, node.Name, job.Attempts, DateTimeOffset.UtcNow));
        var delay = job.PayloadAs<RecordingPayload>().DelayMs;
        if (delay > 0) await Task.Delay(delay, cancellationToken);
    }
}

public sealed record RecordingPayload(int DelayMs);

/// <summary>Always fails; records each attempt.</summary>
public sealed class FailingJobHandler(JobRuns runs, NodeIdentity node) : IJobHandler
{
    public const string JobKind = "test.fail";
    public string Kind => JobKind;

    public Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        runs.Runs.Enqueue((job.Id, node.Name, job.Attempts, DateTimeOffset.UtcNow));
        throw new InvalidOperationException("the carrier is down");
    }
}

/// <summary>Gives up at once.</summary>
public sealed class GivingUpJobHandler(JobRuns runs, NodeIdentity node) : IJobHandler
{
    public const string JobKind = "test.give-up";
    public string Kind => JobKind;

    public Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        runs.Runs.Enqueue((job.Id, node.Name, job.Attempts, DateTimeOffset.UtcNow));
        throw new JobGiveUpException("the order is gone");
    }
}

/// <summary>Every event a consumer was handed, in the order it was handed them (repeats included).</summary>
public sealed class ConsumedEvents
{
    public ConcurrentQueue<(string Consumer, DispatchedEvent Event)> Handed { get; } = new();
    /// <summary>Subjects the flaky consumer throws on while they are in here.</summary>
    public ConcurrentDictionary<string, bool> FailFor { get; } = new();

    public List<DispatchedEvent> Of(string consumer, string subject) =>
        [.. Handed.Where(h => h.Consumer == consumer && h.Event.Subject == subject).Select(h => h.Event)];
}

public sealed class RecordingConsumer(ConsumedEvents consumed) : IEventConsumer
{
    public const string ConsumerName = "test-recorder";
    public string Name => ConsumerName;

    public Task HandleAsync(DispatchedEvent e, CancellationToken cancellationToken)
    {
        consumed.Handed.Enqueue((Name, e));
        return Task.CompletedTask;
    }
}

/// <summary>Throws on the subjects the test names (after recording the attempt), like a webhook endpoint that is down.</summary>
public sealed class FlakyConsumer(ConsumedEvents consumed) : IEventConsumer
{
    public const string ConsumerName = "test-flaky";
    public string Name => ConsumerName;

    public Task HandleAsync(DispatchedEvent e, CancellationToken cancellationToken)
    {
        consumed.Handed.Enqueue((Name, e));
        if (consumed.FailFor.ContainsKey(e.Subject)) throw new HttpRequestException("the receiver answered 503");
        return Task.CompletedTask;
    }
}

/// <summary>A consumer only the late host has: it must start at the beginning of the outbox.</summary>
public sealed class LateConsumer(ConsumedEvents consumed) : IEventConsumer
{
    public const string ConsumerName = "test-late";
    public string Name => ConsumerName;

    public Task HandleAsync(DispatchedEvent e, CancellationToken cancellationToken)
    {
        consumed.Handed.Enqueue((Name, e));
        return Task.CompletedTask;
    }
}

/// <summary>Fast polling and retries, and the test handlers and consumers.</summary>
public static class WorkTestHost
{
    public static void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Jobs:PollInterval", "00:00:00.100");
        web.UseSetting("Jobs:RetryBaseDelay", "00:00:00.200");
        web.UseSetting("Jobs:RetryMaxDelay", "00:00:00.400");
        web.UseSetting("Jobs:MaxAttempts", "3");
        web.UseSetting("Jobs:BatchSize", "4");
        web.UseSetting("Dispatch:PollInterval", "00:00:00.100");
        web.UseSetting("Dispatch:RetryBaseDelay", "00:00:00.100");
        web.UseSetting("Dispatch:RetryMaxDelay", "00:00:00.300");
        web.ConfigureServices(services =>
        {
            services.AddSingleton<JobRuns>();
            services.AddJobHandler<RecordingJobHandler>();
            services.AddJobHandler<FailingJobHandler>();
            services.AddJobHandler<GivingUpJobHandler>();
            services.AddSingleton<ConsumedEvents>();
            services.AddEventConsumer<RecordingConsumer>();
            services.AddEventConsumer<FlakyConsumer>();
        });
    }

    /// <summary>Another host on the same database (a second node), with <paramref name="services"/> added.</summary>
    public static WebApplicationFactory<Program> SecondNode(string database, Action<IServiceCollection>? services = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("database", database);
            web.UseSetting("WAYBILL_BOOTSTRAP_API_KEY", WaybillServer.AdminKey);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            web.UseSetting("Flows:Enabled", "false");
            Configure(web);
            if (services is not null) web.ConfigureServices(services);
        });

    public static async Task Eventually(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}

public sealed class WorkSqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => WorkTestHost.Configure(web);
}

public sealed class WorkPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => WorkTestHost.Configure(web);
}
