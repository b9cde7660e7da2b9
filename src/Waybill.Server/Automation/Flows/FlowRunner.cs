using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Automation.Flows;
using Waybill.Domain.Common;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// The <c>flows</c> event consumer: for each event, the enabled flows its type triggers (ascending priority, then
/// name) whose condition holds each get a flow run and a job to run it — all in one save, and at most one run per event
/// and flow (an event handed over again finds its runs). A condition that fails (it loops past the limit, it is not
/// true or false) fails that flow's run at once with a <c>flow</c> process exception.
/// </summary>
public sealed class FlowRunner(
    WaybillDb db, FlowCatalog catalog, FlowExpressions expressions, JobScheduler jobs, ProcessExceptions.ProcessExceptions exceptions,
    FlowCommit commit, IIdGenerator ids, IClock clock, ILogger<FlowRunner> log) : IBatchEventConsumer
{
    public const string ConsumerName = "flows";

    public string Name => ConsumerName;

    public Task HandleAsync(DispatchedEvent e, CancellationToken cancellationToken) => HandleBatchAsync([e], cancellationToken);

    /// <summary>The runs of a dispatcher batch: one look for runs made before (a batch handed over again), one commit.</summary>
    public async Task HandleBatchAsync(IReadOnlyList<DispatchedEvent> events, CancellationToken cancellationToken)
    {
        var triggering = new List<(DispatchedEvent Event, IReadOnlyList<EffectiveFlow> Flows)>();
        foreach (var e in events)
        {
            var flows = await catalog.TriggeredByAsync(db, e.Type, cancellationToken);
            if (flows.Count > 0) triggering.Add((e, flows));
        }
        if (triggering.Count == 0) return;
        var eventIds = triggering.Select(t => t.Event.Id).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var existing = (await db.FlowRuns.AsNoTracking().Where(r => eventIds.Contains(r.EventId)).Select(r => new { r.EventId, r.FlowName })
                    .ToListAsync(cancellationToken))
                .Select(r => (r.EventId, r.FlowName)).ToHashSet();
            var added = 0;
            foreach (var (e, flows) in triggering) added += AddRuns(e, flows, existing);
            if (added == 0) return;
            try
            {
                await commit.SaveAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException ex) when (attempt == 1 && DbErrors.IsUniqueViolation(ex, "flow_runs"))
            {
                // Another node took some of these events in the meantime (a lost lease): its runs stand; look again and
                // add only what is still missing.
                log.LogInformation("Events {First}–{Last}: some of their flow runs were created by another node.", events[0].Id, events[^1].Id);
                db.ChangeTracker.Clear();
            }
        }
    }

    private int AddRuns(DispatchedEvent e, IReadOnlyList<EffectiveFlow> flows, HashSet<(string EventId, string FlowName)> existing)
    {
        JsonNode? eventJson = null;
        string? eventText = null;
        var orderId = OrderIdOf(e);
        var now = clock.UtcNow;
        var added = 0;
        for (var position = 0; position < flows.Count; position++)
        {
            var flow = flows[position];
            if (existing.Contains((e.Id, flow.Name))) continue;
            eventJson ??= JsonSerializer.SerializeToNode(e.ToCloudEvent(), WaybillJson.Options)!;
            eventText ??= eventJson.ToJsonString();
            string? conditionError = null;
            var matched = true;
            if (flow.Definition!.Condition is { } condition)
            {
                try
                {
                    matched = expressions.EvaluateCondition(condition, new FlowScope(eventJson.DeepClone()));
                }
                catch (FlowExpressionException ex)
                {
                    conditionError = "The condition failed: " + ex.Message;
                }
            }
            if (!matched) continue;
            var run = new FlowRun
            {
                Id = ids.NewId(),
                FlowName = flow.Name,
                FlowVersion = flow.Version,
                FlowSource = flow.Text,
                EventId = e.Id,
                EventType = e.Type,
                EventSequence = e.Sequence,
                Position = position,
                Event = eventText,
                Subject = e.Subject,
                OrderId = orderId,
                Status = FlowRunStatuses.Pending,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.FlowRuns.Add(run);
            added++;
            if (conditionError is null)
            {
                jobs.Schedule(FlowRunExecutor.JobKind, new FlowRunExecutor.Payload(run.Id), DueAt(e, now), orderId ?? e.Subject);
                continue;
            }
            run.Status = FlowRunStatuses.Failed;
            run.Error = conditionError;
            run.FinishedAt = now;
            var message = $"Flow '{flow.Name}' failed on {e.Type}: {conditionError}";
            if (message.Length > ProcessException.MessageMaxLength) message = message[..(ProcessException.MessageMaxLength - 1)] + "…";
            exceptions.Raise(new NewProcessException(orderId, ProcessExceptionCategory.Flow, ProcessExceptionSeverity.High, message),
                FlowRunExecutor.ActorOf(flow.Name));
        }
        return added;
    }

    /// <summary>
    /// When the run's job is due: now — dated back to the order's capture for an event about an order, so that jobs,
    /// claimed oldest due first, finish the orders already under way (route an approved order) before they start on
    /// orders captured after it. Without it, under a backlog every route waited behind every newer order's fraud check.
    /// </summary>
    private static DateTimeOffset DueAt(DispatchedEvent e, DateTimeOffset now) =>
        e.Type.StartsWith("order.", StringComparison.Ordinal) && e.Data.ValueKind == JsonValueKind.Object
        && e.Data.TryGetProperty("createdAt", out var created) && created.TryGetDateTimeOffset(out var at) && at < now
            ? at
            : now;

    /// <summary>The order an event belongs to: its subject for order events, else the data's <c>orderId</c>.</summary>
    private static string? OrderIdOf(DispatchedEvent e)
    {
        if (e.Type.StartsWith("order.", StringComparison.Ordinal)) return e.Subject;
        return e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
    }
}

/// <summary>Runs a flow run (job kind <c>flow_run</c>): transient failures are retried by the job until its last attempt.</summary>
public sealed class FlowRunJob(FlowRunExecutor executor, Microsoft.Extensions.Options.IOptions<JobOptions> options) : IJobHandler
{
    public string Kind => FlowRunExecutor.JobKind;

    public Task HandleAsync(Job job, CancellationToken cancellationToken) =>
        executor.RunAsync(job.PayloadAs<FlowRunExecutor.Payload>().RunId, job.Attempts < options.Value.MaxAttempts, cancellationToken);
}

/// <summary>
/// <c>POST /process-exceptions/{id}/retry</c> for the exceptions a failed flow run raised: the run goes on from the
/// failed step, at once (its steps are recorded under the next attempt number, beside the failed one).
/// </summary>
public sealed class FlowRunRetry(IServiceScopeFactory scopes) : IProcessExceptionRetry
{
    private const string Prefix = "flow-run:";

    public static string ReferenceOf(string runId) => Prefix + runId;

    public bool Handles(string retryReference) => retryReference.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<ProcessExceptionRetryOutcome> RetryAsync(ProcessExceptionResponse exception, string retryReference, CancellationToken cancellationToken)
    {
        var runId = retryReference[Prefix.Length..];
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var run = await db.FlowRuns.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
            if (run is null) return new ProcessExceptionRetryOutcome(false, $"The flow run {runId} no longer exists.");
            if (run.Status != FlowRunStatuses.Failed)
                return new ProcessExceptionRetryOutcome(false, $"The flow run {runId} is {run.Status}: there is no failed step to rerun.");
            run.Status = FlowRunStatuses.Pending;
            run.Attempt++;
            run.Error = null;
            run.FinishedAt = null;
            run.UpdatedAt = scope.ServiceProvider.GetRequiredService<IClock>().UtcNow;
            run.Version++;
            await scope.ServiceProvider.GetRequiredService<FlowCommit>().SaveAsync(cancellationToken);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var executor = scope.ServiceProvider.GetRequiredService<FlowRunExecutor>();
            var status = await executor.RunAsync(runId, mayRetryTransient: false, cancellationToken);
            if (status != FlowRunStatuses.Failed)
                return new ProcessExceptionRetryOutcome(true, $"The flow run {runId} was resumed from its failed step; it is {status}.");
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var error = await db.FlowRuns.Where(r => r.Id == runId).Select(r => r.Error).FirstAsync(cancellationToken);
            return new ProcessExceptionRetryOutcome(false, $"The rerun failed again: {error}");
        }
    }
}
