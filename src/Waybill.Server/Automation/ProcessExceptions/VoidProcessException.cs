using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>POST /api/v1/process-exceptions/{id}/void</c> <c>{ "note"? }</c>: it was raised in error.</summary>
public static class VoidProcessException
{
    public static RouteHandlerBuilder MapVoidProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/{id}/void", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("VoidProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(
        string id, ProcessExceptionActionRequest? request, ProcessExceptionActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (exception, actor, now) => exception.Void(request?.Note, actor, now), cancellationToken));
}
