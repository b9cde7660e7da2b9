using System.Text.Json.Nodes;

namespace Waybill.Domain.Automation.Flows;

/// <summary>
/// A flow as its file says it (domain.md "Flows"): trigger event → optional condition → ordered steps → on-error steps.
/// Built by <see cref="FlowParser"/>, which has checked every rule; the runner executes it.
/// </summary>
public sealed record FlowDefinition
{
    public const int DefaultPriority = 100;

    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>An event type of api.md, or a family pattern such as <c>order.*</c>.</summary>
    public required string Trigger { get; init; }

    /// <summary>Flows on one trigger run in ascending priority.</summary>
    public int Priority { get; init; } = DefaultPriority;

    public bool Enabled { get; init; } = true;

    /// <summary>A JavaScript expression (no leading '='); the flow runs only when it is <c>true</c>. Null: always.</summary>
    public string? Condition { get; init; }

    public required IReadOnlyList<FlowStep> Steps { get; init; }
    public IReadOnlyList<FlowStep> OnError { get; init; } = [];

    public bool Matches(string eventType) => FlowEventTypes.TriggerMatches(Trigger, eventType);
}

/// <summary>
/// One step: a core action with its input. Input values are literal JSON, or strings starting with '=' that are
/// JavaScript expressions (resolved by <see cref="FlowInputs.Resolve"/>). <see cref="When"/>, when given, is an
/// expression that must be <c>true</c> for the step to run; otherwise the step is skipped and the flow goes on.
/// </summary>
public sealed record FlowStep
{
    /// <summary>Required for steps (so later steps can read <c>steps.&lt;id&gt;.output</c>); optional for on-error steps.</summary>
    public string? Id { get; init; }

    public required string Action { get; init; }

    public string? When { get; init; }

    private readonly JsonObject _input = [];

    /// <summary>A copy each time: a definition is shared between runs and must not be changed by one of them.</summary>
    public JsonObject Input
    {
        get => (JsonObject)_input.DeepClone();
        init => _input = (JsonObject)(value ?? []).DeepClone();
    }
}
