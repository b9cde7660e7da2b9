using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Common;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.Flows.Actions;

/// <summary>
/// <c>raise_process_exception</c> <c>{ orderId?, category, severity, priority?, message, note? }</c>: as
/// <c>POST /process-exceptions</c>. Raised by an on-error step, the exception names the run, so <c>retry</c> reruns the
/// failed step.
/// </summary>
public sealed class RaiseProcessExceptionFlowAction(ProcessExceptions.ProcessExceptions exceptions, WaybillDb db, FlowStepState state) : IFlowAction
{
    public string Name => "raise_process_exception";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var category = ProcessExceptionNames.Parse<ProcessExceptionCategory>(FlowInput.OptionalText(input, "category"), "input.category", errors, required: true);
        var severity = ProcessExceptionNames.Parse<ProcessExceptionSeverity>(FlowInput.OptionalText(input, "severity"), "input.severity", errors, required: true);
        var message = FlowInput.OptionalText(input, "message");
        if (message is null) errors.Add("input.message", "input.message is required: say what needs attention.");
        var orderId = FlowInput.OptionalText(input, "orderId");
        if (orderId is not null && !await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken))
            errors.Add("input.orderId", $"There is no order '{orderId}'.");
        var priority = input["priority"] is JsonValue p && p.GetValueKind() == JsonValueKind.String
            ? PriorityOf(p.GetValue<string>(), errors)
            : FlowInput.OptionalInteger(input, "priority");
        if (errors.Any) throw FlowInput.From(new DomainValidationException(errors.ToDictionary()));
        if (message!.Length > ProcessException.MessageMaxLength) message = message[..(ProcessException.MessageMaxLength - 1)] + "…";
        ProcessException exception;
        try
        {
            exception = exceptions.Raise(new NewProcessException(orderId, category!.Value, severity!.Value, message, priority,
            RetryReference: state.InOnError ? FlowRunRetry.ReferenceOf(context.RunId) : null,
            Note: FlowInput.OptionalText(input, "note")), context.Actor);
        }
        catch (DomainValidationException e)
        {
            throw FlowInput.From(e);
        }
        return JsonSerializer.SerializeToNode(ProcessExceptionResponse.From(exception), WaybillJson.Options);
    }

    /// <summary>Flow files may say the priority in words, as a severity (low, medium, high); a number is kept as it is.</summary>
    private static int? PriorityOf(string text, FieldErrors errors)
    {
        var severity = Enum.GetValues<ProcessExceptionSeverity>().Select(s => (Name: StatusNames.Of(s), Value: s)).FirstOrDefault(s => s.Name == text);
        if (severity.Name is not null) return ProcessException.DefaultPriority(severity.Value);
        if (int.TryParse(text, out var number)) return number;
        errors.Add("input.priority", "input.priority is a whole number (or a severity: low, medium, high).");
        return null;
    }
}

/// <summary><c>resolve_process_exception</c> <c>{ id, note? }</c>: as <c>POST /process-exceptions/{id}/resolve</c>.</summary>
public sealed class ResolveProcessExceptionFlowAction(ProcessExceptions.ProcessExceptions exceptions) : IFlowAction
{
    public string Name => "resolve_process_exception";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var id = FlowInput.RequiredText(input, "id");
        var exception = await exceptions.ResolveAsync(id, FlowInput.OptionalText(input, "note"), context.Actor, cancellationToken);
        return JsonSerializer.SerializeToNode(ProcessExceptionResponse.From(exception), WaybillJson.Options);
    }
}
