using System.Text.Json;
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
    private byte[]? _eventUtf8;
    private byte[]? _stepsUtf8;

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

    /// <summary>The event as UTF-8 JSON, made once: every expression of the run reads it (the event never changes).</summary>
    public ReadOnlyMemory<byte> EventUtf8 => _eventUtf8 ??= JsonSerializer.SerializeToUtf8Bytes(Event);

    /// <summary>The steps so far as UTF-8 JSON, made again after each recorded step.</summary>
    public ReadOnlyMemory<byte> StepsUtf8 => _stepsUtf8 ??= JsonSerializer.SerializeToUtf8Bytes(_steps);

    public ReadOnlyMemory<byte> ErrorUtf8 => Error is null ? ReadOnlyMemory<byte>.Empty : JsonSerializer.SerializeToUtf8Bytes(Error);

    /// <summary><c>{ "&lt;id&gt;": { "skipped": false, "output": … }, … }</c> in the order the steps ran.</summary>
    public JsonObject Steps => _steps;

    public JsonObject? Error { get; }

    public void RecordOutput(string stepId, JsonNode? output)
    {
        _steps[stepId] = new JsonObject { ["skipped"] = false, ["output"] = output?.DeepClone() };
        _stepsUtf8 = null;
    }

    public void RecordSkipped(string stepId)
    {
        _steps[stepId] = new JsonObject { ["skipped"] = true, ["output"] = null };
        _stepsUtf8 = null;
    }

    /// <summary>The scope of the on-error steps after <paramref name="step"/> failed; the outputs so far stay readable.</summary>
    public FlowScope WithError(string message, string? step, string action) =>
        new(Event, (JsonObject)_steps.DeepClone(), new JsonObject { ["message"] = message, ["step"] = step, ["action"] = action });
}
