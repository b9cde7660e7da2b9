using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Automation.Flows;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// <c>POST /api/v1/flows/{name}/dry-run</c> <c>{ "event": { "type", "data", … } }</c>: would the flow run on this event, and
/// with which inputs? Nothing is done: no action runs, so a step's <c>when</c> or input that reads an earlier step's
/// output cannot be known — it is <c>null</c> and named in <c>unresolved</c> with the reason.
/// </summary>
public static class DryRunFlow
{
    public sealed record Request(JsonObject? Event);

    public sealed record Step(string? Id, string Action, bool? When, JsonObject Input, IReadOnlyList<string> Unresolved);

    public sealed record Response(bool Matched, string? Reason, IReadOnlyList<Step> Steps);

    public static RouteHandlerBuilder MapDryRunFlow(this RouteGroupBuilder flows) => flows
        .MapPost("/{name}/dry-run", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("DryRunFlow");

    public static async Task<Ok<Response>> Handle(
        string name, Request request, WaybillDb db, FlowCatalog catalog, FlowExpressions expressions, RequestCommit commit, CancellationToken cancellationToken)
    {
        var flow = await catalog.FindAsync(db, name, cancellationToken) ?? throw new ProblemException(Problems.NotFound("flow", name));
        var errors = new FieldErrors();
        if (request.Event is null) errors.Add("event", "event is required: the CloudEvent to try the flow on ({ \"type\", \"data\", … }).");
        else if (request.Event["type"] is not JsonValue type || !type.TryGetValue<string>(out _)) errors.Add("event.type", "event.type is required.");
        errors.ThrowIfAny();
        var definition = flow.Definition ?? throw new ProblemException(Problems.Create(409, "invalid_flow", "The stored flow no longer parses.",
            "Store a corrected version with PUT before trying it."));

        var response = Evaluate(definition, request.Event!, expressions);
        // Only the idempotency record, when the request carried a key: a dry run writes nothing else.
        await commit.SaveAsync(200, response, null, cancellationToken);
        return TypedResults.Ok(response);
    }

    private static Response Evaluate(FlowDefinition definition, JsonObject @event, FlowExpressions expressions)
    {
        var type = @event["type"]!.GetValue<string>();
        if (!definition.Matches(type)) return new Response(false, $"The trigger '{definition.Trigger}' does not match '{type}'.", []);
        var scope = new FlowScope(@event.DeepClone());
        if (definition.Condition is { } condition)
        {
            bool holds;
            try
            {
                holds = expressions.EvaluateCondition(condition, scope);
            }
            catch (FlowExpressionException e)
            {
                return new Response(false, "The condition failed: " + e.Message, []);
            }
            if (!holds) return new Response(false, "The condition is false.", []);
        }
        var steps = new List<Step>();
        foreach (var step in definition.Steps)
        {
            var unresolved = new List<string>();
            bool? when = null;
            if (step.When is null) when = true;
            else
            {
                try
                {
                    when = expressions.EvaluateCondition(step.When, scope);
                }
                catch (FlowExpressionException e)
                {
                    unresolved.Add($"when: {e.Reason}");
                }
            }
            var input = new JsonObject();
            foreach (var (field, value) in step.Input)
            {
                try
                {
                    input[field] = FlowInputs.Resolve(new JsonObject { [field] = value?.DeepClone() }, scope, expressions)[field]?.DeepClone();
                }
                catch (FlowExpressionException e)
                {
                    input[field] = null;
                    unresolved.Add($"input.{field}: {e.Reason}");
                }
            }
            steps.Add(new Step(step.Id, step.Action, when, input, unresolved));
        }
        return new Response(true, null, steps);
    }
}
