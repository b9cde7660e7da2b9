using System.Text.Json.Nodes;

namespace Waybill.Server.Automation.Flows;

/// <summary>A flow run as the API shows it; <c>steps</c> only on <c>GET /flow-runs/{id}</c> (empty in lists).</summary>
public sealed record FlowRunResponse(
    string Id, string Flow, int FlowVersion, string EventId, string EventType, string Subject, string? OrderId, string Status, int NextStep,
    int Attempt, DateTimeOffset? WaitUntil, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<FlowRunStepResponse> Steps)
{
    public static FlowRunResponse From(FlowRun run, IEnumerable<FlowRunStep>? steps = null) => new(
        run.Id, run.FlowName, run.FlowVersion, run.EventId, run.EventType, run.Subject, run.OrderId, run.Status, run.NextStep, run.Attempt,
        run.WaitUntil, run.Error, run.CreatedAt, run.UpdatedAt, run.FinishedAt,
        [.. (steps ?? []).OrderBy(s => s.Attempt).ThenBy(s => s.Phase == FlowRunPhases.Steps ? 0 : 1).ThenBy(s => s.Position).Select(FlowRunStepResponse.From)]);
}

/// <summary>One recorded step: <c>phase</c> <c>steps</c> or <c>on_error</c>, its resolved input, output or error, and timings.</summary>
public sealed record FlowRunStepResponse(
    string? Id, string Action, string Phase, int Position, int Attempt, string Status, JsonNode? Input, JsonNode? Output, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
{
    public static FlowRunStepResponse From(FlowRunStep s) => new(
        s.StepId, s.Action, s.Phase, s.Position, s.Attempt, s.Status, s.Input is null ? null : JsonNode.Parse(s.Input),
        s.Output is null ? null : JsonNode.Parse(s.Output), s.Error, s.StartedAt, s.FinishedAt);
}
