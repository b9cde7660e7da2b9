using System.Text.Json.Nodes;
using Waybill.Server.Platform.Dispatch;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// A core action a flow step can name (domain.md "Flows"): the same operation the HTTP API performs, so a flow can do
/// exactly what a person can. Modules add theirs with <see cref="FlowActionRegistration.AddFlowAction{TAction}"/>.
/// </summary>
/// <remarks>
/// An action runs inside the flow run's unit of work: it changes rows through the scope's <c>WaybillDb</c> and never
/// commits; the runner records the step and commits both together, so a step's effects and its record are one
/// transaction (a step is never done twice, nor lost). Work outside the database — an HTTP call, a payment — is never
/// done inside that transaction: the action schedules it (a job, a webhook delivery) in the same unit of work instead.
/// </remarks>
public interface IFlowAction
{
    /// <summary>The name flow files use (<c>approve</c>, <c>hold</c>, <c>send_webhook</c>, …).</summary>
    string Name { get; }

    /// <summary>Does the action with the step's resolved input; returns the step's output (null when it has none).</summary>
    /// <exception cref="FlowInputException">The input is wrong: the step fails at once, it is not retried.</exception>
    /// <exception cref="FlowTransientException">Worth trying again later: the runner retries with backoff.</exception>
    Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken);

    /// <summary>
    /// True for an action that only reads (a check, a look-up): its step's record is committed with the next step that
    /// changes something, which saves a commit per step. After a crash in between it simply runs again.
    /// </summary>
    bool ChangesNothing => false;
}

/// <summary>What a step runs in: the run's DI scope (its <c>WaybillDb</c> is the run's unit of work), who acts, and why.</summary>
/// <param name="Actor">How history records the flow as the actor: <c>flow:&lt;name&gt;</c>.</param>
public sealed record FlowActionContext(IServiceProvider Services, string Actor, string FlowName, string RunId, string StepId, DispatchedEvent Event);

/// <summary>A step's input is missing or wrong (the message names the field): the step fails without a retry.</summary>
public sealed class FlowInputException(string message) : Exception(message);

/// <summary>A step failed for a reason that may pass (a timeout, a lock): the runner tries it again with backoff.</summary>
public sealed class FlowTransientException(string message, Exception? inner = null) : Exception(message, inner);

public static class FlowActionRegistration
{
    public static IServiceCollection AddFlowAction<TAction>(this IServiceCollection services) where TAction : class, IFlowAction =>
        services.AddScoped<IFlowAction, TAction>();
}
