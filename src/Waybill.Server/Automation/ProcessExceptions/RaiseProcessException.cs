using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>
/// <c>POST /api/v1/process-exceptions</c> <c>{ "orderId"?, "category", "severity", "priority"?, "message", "note"? }</c>:
/// a person raises an exception by hand (the flow engine and the modules raise theirs through <see cref="ProcessExceptions"/>).
/// </summary>
public static class RaiseProcessException
{
    public sealed record Request(string? OrderId, string? Category, string? Severity, int? Priority, string? Message, string? Note);

    public static RouteHandlerBuilder MapRaiseProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("RaiseProcessException");

    public static async Task<Created<ProcessExceptionResponse>> Handle(
        Request request, ProcessExceptions exceptions, WaybillDb db, RequestCommit commit, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var category = ProcessExceptionNames.Parse<ProcessExceptionCategory>(request.Category, "category", errors, required: true);
        var severity = ProcessExceptionNames.Parse<ProcessExceptionSeverity>(request.Severity, "severity", errors, required: true);
        if (request.Message is null) errors.Add("message", "message is required: say what needs attention.");
        if (request.OrderId is not null && !await db.Orders.AnyAsync(o => o.Id == request.OrderId, cancellationToken))
            errors.Add("orderId", $"There is no order '{request.OrderId}'.");
        errors.ThrowIfAny();

        var exception = exceptions.Raise(
            new NewProcessException(request.OrderId, category!.Value, severity!.Value, request.Message!, request.Priority, Note: request.Note),
            http.User.Actor());
        var response = ProcessExceptionResponse.From(exception);
        var location = $"/api/v1/process-exceptions/{exception.Id}";
        await commit.SaveAsync(201, response, location, cancellationToken);
        http.Response.Headers.ETag = $"\"{exception.Version}\"";
        return TypedResults.Created(location, response);
    }
}
