using System.Text.Json.Nodes;

namespace Waybill.Domain.Automation.Flows;

/// <summary>
/// What expressions of one run see: <c>event</c> (the CloudEvent as JSON: id, type, subject, time, data…),
/// <c>steps.&lt;id&gt;.output</c> of the steps before, and <c>error</c> (<c>{ message, step, action }</c>) in on-error steps.
/// A skipped step (its <c>when</c> was false) is <c>{ "skipped": true, "output": null }</c>, so reading its output is
/// null rather than a TypeError. Expressions get copies: nothing they do changes the scope.
/// </summary>
public sealed class FlowScope
{
    private readonly JsonObject _steps;

    public FlowScope(JsonNode @event) : this(@event, [], null)
    {
    }

    private FlowScope(JsonNode @event, JsonObject steps, JsonObject? error)
    {
        ArgumentNullException.ThrowIfNull(@event);
        Event = @event;
        _steps = steps;
        Error = error;
    }

    public JsonNode Event { get; }

    /// <summary><c>{ "&lt;id&gt;": { "skipped": false, "output": … }, … }</c> in the order the steps ran.</summary>
    public JsonObject Steps => _steps;

    public JsonObject? Error { get; }

    public void RecordOutput(string stepId, JsonNode? output) =>
        _steps[stepId] = new JsonObject { ["skipped"] = false, ["output"] = output?.DeepClone() };

    public void RecordSkipped(string stepId) =>
        _steps[stepId] = new JsonObject { ["skipped"] = true, ["output"] = null };

    /// <summary>The scope of the on-error steps after <paramref name="step"/> failed; the outputs so far stay readable.</summary>
    public FlowScope WithError(string message, string? step, string action) =>
        new(Event, (JsonObject)_steps.DeepClone(), new JsonObject { ["message"] = message, ["step"] = step, ["action"] = action });
}
