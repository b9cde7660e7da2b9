using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
/// Runs a flow run's steps from where it stands (docs/decisions/0015-flow-store-and-runner.md). Each step — its
/// <c>when</c>, its input, the action's changes and the step's record — is one save, so after a crash the run resumes at
/// the first unrecorded step and no step is done twice (the run's version is the guard between two nodes). Runs of one
/// subject go one after another in event order. A failed step runs the on-error steps, or raises a <c>flow</c> process
/// exception whose retry reruns it.
/// </summary>
public sealed class FlowRunExecutor(
    WaybillDb db, FlowCatalog catalog, FlowExpressions expressions, IEnumerable<IFlowAction> actions, FlowStepState state, FlowCommit commit,
    JobScheduler jobs, ProcessExceptions.ProcessExceptions exceptions, IIdGenerator ids, IClock clock, IServiceProvider services,
    IOptions<FlowOptions> options, ILogger<FlowRunExecutor> log)
{
    public const string JobKind = "flow_run";

    public sealed record Payload(string RunId);

    /// <summary>Runs steps until the run completes, fails, waits, or must let an earlier run of its subject go first.</summary>
    /// <param name="mayRetryTransient">A transient failure is thrown (the job tries again later); false: it fails the step.</param>
    /// <returns>The run's status afterwards.</returns>
    public async Task<string> RunAsync(string runId, bool mayRetryTransient, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await RunStepsAsync(runId, mayRetryTransient, cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another node recorded a step first: read the run again and go on from where it is.
                log.LogInformation("Flow run {RunId}: a step was recorded by another run of the job; reading the run again.", runId);
            }
        }
    }

    /// <summary>
    /// One pass over the run from its recorded position. A step that changes something is committed with its record
    /// before the next step starts; the records of skipped steps and of actions that change nothing wait for that commit
    /// (or the run's last one): they did nothing a crash could make happen twice, and a run costs a commit, not one a step.
    /// </summary>
    private async Task<string> RunStepsAsync(string runId, bool mayRetryTransient, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var run = await db.FlowRuns.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
            ?? throw new JobGiveUpException($"There is no flow run '{runId}'.");
        if (run.Status is FlowRunStatuses.Completed or FlowRunStatuses.Failed) return run.Status;
        var now = clock.UtcNow;
        if (run.Status == FlowRunStatuses.Waiting && run.WaitUntil > now) return run.Status;
        if (await EarlierUnfinishedAsync(run, cancellationToken) is { } earlier)
        {
            // Try again when the earlier run may be done: soon, or when its wait ends.
            var due = now + options.Value.OrderWaitInterval;
            if (earlier.Status == FlowRunStatuses.Waiting && earlier.WaitUntil > due) due = earlier.WaitUntil.Value;
            jobs.Schedule(JobKind, new Payload(run.Id), due, run.OrderId ?? run.Subject);
            await commit.SaveAsync(cancellationToken);
            return run.Status;
        }
        var parsed = catalog.ParseForRun(run.FlowSource);
        if (!parsed.IsValid)
        {
            await FailAsync(run.Id, null, null, null, now,
                "The flow's text no longer parses: " + string.Join("; ", parsed.Errors.Select(e => e.ToString())), null, [], cancellationToken);
            return FlowRunStatuses.Failed;
        }
        var steps = parsed.Definition!.Steps;
        var scope = await ScopeAsync(run, cancellationToken);
        var dispatched = EventOf(run);
        var unsaved = new List<FlowRunStep>();
        var position = run.NextStep;
        while (true)
        {
            if (position >= steps.Count)
            {
                await SaveStepsAsync(run, unsaved, position, FlowRunStatuses.Completed, null, cancellationToken);
                return run.Status;
            }
            var step = steps[position];
            var started = clock.UtcNow;
            JsonObject? input = null;
            try
            {
                state.Reset(inOnError: false);
                var (skipped, resolved, output) = await RunStepAsync(run, step, scope, dispatched, cancellationToken);
                input = resolved;
                unsaved.Add(Record(run, FlowRunPhases.Steps, position, step, skipped ? "skipped" : "completed", input, output, null, started));
                Remember(scope, step, skipped, output);
                position++;
                if (skipped || (ChangesNothing(step) && state.WaitUntil is null)) continue;
                if (state.WaitUntil is { } until && until > clock.UtcNow && position < steps.Count)
                {
                    jobs.Schedule(JobKind, new Payload(run.Id), until, run.OrderId ?? run.Subject);
                    await SaveStepsAsync(run, unsaved, position, FlowRunStatuses.Waiting, until, cancellationToken);
                    return run.Status;
                }
                position = SkipAhead(run, steps, position, scope, unsaved);
                await SaveStepsAsync(run, unsaved, position, position >= steps.Count ? FlowRunStatuses.Completed : FlowRunStatuses.Running, null,
                    cancellationToken);
                if (run.Status == FlowRunStatuses.Completed) return run.Status;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (DbUpdateConcurrencyException)
            {
                throw;
            }
            catch (Exception ex) when (mayRetryTransient && IsTransient(ex))
            {
                db.ChangeTracker.Clear();
                log.LogInformation(ex, "Flow run {RunId}: step {Step} failed for now; the job tries again.", run.Id, step.Id);
                throw;
            }
            catch (Exception ex)
            {
                await FailAsync(run.Id, step, position, input, started, MessageOf(ex), ex, unsaved, cancellationToken);
                return FlowRunStatuses.Failed;
            }
        }
    }

    private bool ChangesNothing(FlowStep step) => actions.FirstOrDefault(a => a.Name == step.Action) is { ChangesNothing: true };

    private static void Remember(FlowScope scope, FlowStep step, bool skipped, JsonNode? output)
    {
        if (step.Id is not { } id) return;
        if (skipped) scope.RecordSkipped(id);
        else scope.RecordOutput(id, output);
    }

    /// <summary>
    /// The steps right after a committed one whose <c>when</c> is false are recorded as skipped in the same commit (their
    /// <c>when</c> reads only the event and earlier outputs, which this commit fixes). A <c>when</c> that fails is left
    /// for the step's own turn, where it fails the step as usual.
    /// </summary>
    private int SkipAhead(FlowRun run, IReadOnlyList<FlowStep> steps, int position, FlowScope scope, List<FlowRunStep> unsaved)
    {
        while (position < steps.Count && steps[position].When is { } when)
        {
            bool holds;
            try
            {
                holds = expressions.EvaluateCondition(when, scope);
            }
            catch (FlowExpressionException)
            {
                break;
            }
            if (holds) break;
            var now = clock.UtcNow;
            unsaved.Add(Record(run, FlowRunPhases.Steps, position, steps[position], "skipped", null, null, null, now));
            Remember(scope, steps[position], skipped: true, null);
            position++;
        }
        return position;
    }

    /// <summary>Commits the recorded steps with what their actions changed, the run's new position and status.</summary>
    private async Task SaveStepsAsync(FlowRun run, List<FlowRunStep> unsaved, int position, string status, DateTimeOffset? waitUntil,
        CancellationToken cancellationToken)
    {
        db.FlowRunSteps.AddRange(unsaved);
        unsaved.Clear();
        run.NextStep = position;
        var now = clock.UtcNow;
        if (status == FlowRunStatuses.Completed) Finish(run, status, null, now);
        else
        {
            run.Status = status;
            run.WaitUntil = waitUntil;
            run.UpdatedAt = now;
            run.Version++;
        }
        await commit.SaveAsync(cancellationToken);
        // What the actions loaded is let go, so the next step reads the order as it is now, not as this one left it.
        db.ChangeTracker.Clear();
        db.FlowRuns.Attach(run);
    }

    public static bool IsTransient(Exception ex) => ex is FlowTransientException || DbErrors.IsDeadlock(ex);

    private static string MessageOf(Exception ex) => ex switch
    {
        FlowTransientException t => "It kept failing: " + t.Message,
        ProblemException p => p.Problem.Detail ?? p.Problem.Title ?? p.Message,
        _ => ex.Message,
    };

    /// <summary>Evaluates <c>when</c>, resolves the input and runs the action; the caller records and saves.</summary>
    private async Task<(bool Skipped, JsonObject? Input, JsonNode? Output)> RunStepAsync(FlowRun run, FlowStep step, FlowScope scope, DispatchedEvent dispatched,
        CancellationToken cancellationToken)
    {
        if (step.When is not null && !expressions.EvaluateCondition(step.When, scope)) return (true, null, null);
        var input = FlowInputs.Resolve(step.Input, scope, expressions);
        var action = actions.FirstOrDefault(a => a.Name == step.Action)
            ?? throw new InvalidOperationException($"The action '{step.Action}' is not on this node.");
        var context = new FlowActionContext(services, ActorOf(run.FlowName), run.FlowName, run.Id, step.Id ?? step.Action, dispatched);
        var output = await action.RunAsync(context, (JsonObject)input.DeepClone(), cancellationToken);
        return (false, input, output);
    }

    public static string ActorOf(string flowName) => "flow:" + flowName;

    private static DispatchedEvent EventOf(FlowRun run)
    {
        using var document = System.Text.Json.JsonDocument.Parse(run.Event);
        var root = document.RootElement;
        var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        return new DispatchedEvent(run.EventSequence, run.EventId, run.EventType, run.Subject,
            root.TryGetProperty("time", out var t) && t.TryGetDateTimeOffset(out var time) ? time : run.CreatedAt, data);
    }

    /// <summary>What expressions of the run see now: the event and the outputs of the steps recorded so far.</summary>
    /// <param name="unsaved">Steps recorded but not yet committed (they count as recorded).</param>
    private async Task<FlowScope> ScopeAsync(FlowRun run, CancellationToken cancellationToken, IReadOnlyList<FlowRunStep>? unsaved = null)
    {
        var scope = new FlowScope(JsonNode.Parse(run.Event)!);
        var records = run.NextStep == 0
            ? []
            : await db.FlowRunSteps.AsNoTracking()
                .Where(s => s.RunId == run.Id && s.Phase == FlowRunPhases.Steps && s.Position < run.NextStep && s.Status != "failed")
                .ToListAsync(cancellationToken);
        if (unsaved is not null) records.AddRange(unsaved.Where(s => s.Phase == FlowRunPhases.Steps && s.Status != "failed"));
        foreach (var record in records.GroupBy(r => r.Position).OrderBy(g => g.Key).Select(g => g.MaxBy(r => r.Attempt)!))
        {
            if (record.StepId is null) continue;
            if (record.Status == "skipped") scope.RecordSkipped(record.StepId);
            else scope.RecordOutput(record.StepId, record.Output is null ? null : JsonNode.Parse(record.Output));
        }
        return scope;
    }

    private Task<FlowRun?> EarlierUnfinishedAsync(FlowRun run, CancellationToken cancellationToken) =>
        db.FlowRuns.AsNoTracking()
            .Where(r => r.Subject == run.Subject && FlowRunStatuses.Unfinished.Contains(r.Status)
                        && (r.EventSequence < run.EventSequence || (r.EventSequence == run.EventSequence && r.Position < run.Position)))
            .OrderBy(r => r.EventSequence).ThenBy(r => r.Position)
            .FirstOrDefaultAsync(cancellationToken);

    private FlowRunStep Record(FlowRun run, string phase, int position, FlowStep? step, string status, JsonObject? input, JsonNode? output, string? error,
        DateTimeOffset startedAt) =>
        new()
        {
            Id = ids.NewId(),
            RunId = run.Id,
            Phase = phase,
            Position = position,
            Attempt = run.Attempt,
            StepId = step?.Id,
            Action = step?.Action ?? "",
            Status = status,
            Input = input?.ToJsonString(),
            Output = output?.ToJsonString(),
            Error = error,
            StartedAt = startedAt,
            FinishedAt = clock.UtcNow,
        };

    private void Finish(FlowRun run, string status, string? error, DateTimeOffset now)
    {
        run.Status = status;
        run.Error = error;
        run.WaitUntil = null;
        run.UpdatedAt = now;
        run.FinishedAt = now;
        run.Version++;
    }

    /// <summary>
    /// Records the failed step and fails the run, in one save with what the on-error steps do — or, without on-error
    /// steps (or when they fail too), with a <c>flow</c> process exception whose retry reruns the failed step.
    /// </summary>
    private async Task FailAsync(string runId, FlowStep? step, int? position, JsonObject? input, DateTimeOffset startedAt, string message, Exception? cause,
        IReadOnlyList<FlowRunStep> unsaved, CancellationToken cancellationToken)
    {
        if (cause is not null && cause is not (FlowInputException or FlowTransientException or FlowExpressionException or DomainException or ProblemException))
            log.LogWarning(cause, "Flow run {RunId}: step {Step} failed.", runId, step?.Id);
        var (run, definition) = await PrepareFailureAsync(runId, step, position, input, startedAt, message, unsaved, cancellationToken);
        var onError = definition?.OnError ?? [];
        var handled = false;
        if (onError.Count > 0)
        {
            try
            {
                var scope = (await ScopeAsync(run, cancellationToken, unsaved)).WithError(message, step?.Id, step?.Action ?? "");
                var dispatched = EventOf(run);
                for (var i = 0; i < onError.Count; i++)
                {
                    state.Reset(inOnError: true);
                    var started = clock.UtcNow;
                    var (skipped, resolved, output) = await RunStepAsync(run, onError[i], scope, dispatched, cancellationToken);
                    db.FlowRunSteps.Add(Record(run, FlowRunPhases.OnError, i, onError[i], skipped ? "skipped" : "completed", resolved, output, null, started));
                    Remember(scope, onError[i], skipped, output);
                }
                handled = true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                message += $" The on-error steps failed too: {MessageOf(ex)}";
                (run, _) = await PrepareFailureAsync(runId, step, position, input, startedAt, message, unsaved, cancellationToken);
            }
        }
        if (!handled)
        {
            var where = step is null ? "" : $" at step '{step.Id ?? step.Action}' ({step.Action})";
            var text = $"Flow '{run.FlowName}' failed{where}: {message}";
            if (text.Length > ProcessException.MessageMaxLength) text = text[..(ProcessException.MessageMaxLength - 1)] + "…";
            exceptions.Raise(new NewProcessException(run.OrderId, ProcessExceptionCategory.Flow, ProcessExceptionSeverity.High, text,
                RetryReference: FlowRunRetry.ReferenceOf(run.Id)), ActorOf(run.FlowName));
        }
        await commit.SaveAsync(cancellationToken);
    }

    private async Task<(FlowRun Run, FlowDefinition? Definition)> PrepareFailureAsync(string runId, FlowStep? step, int? position, JsonObject? input,
        DateTimeOffset startedAt, string message, IReadOnlyList<FlowRunStep> unsaved, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var run = await db.FlowRuns.FirstAsync(r => r.Id == runId, cancellationToken);
        // The steps before it that changed nothing (recorded, not yet committed) are kept: a retry goes on after them.
        foreach (var done in unsaved)
        {
            db.FlowRunSteps.Add(done);
            run.NextStep = Math.Max(run.NextStep, done.Position + 1);
        }
        if (position is { } p) db.FlowRunSteps.Add(Record(run, FlowRunPhases.Steps, p, step, "failed", input, null, message, startedAt));
        Finish(run, FlowRunStatuses.Failed, message, clock.UtcNow);
        return (run, catalog.ParseForRun(run.FlowSource).Definition);
    }
}
