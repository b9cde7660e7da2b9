using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>POST /api/v1/process-exceptions/{id}/ignore</c> <c>{ "note"? }</c>: nothing needs doing.</summary>
public static class IgnoreProcessException
{
    public static RouteHandlerBuilder MapIgnoreProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/{id}/ignore", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("IgnoreProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(
        string id, ProcessExceptionActionRequest? request, ProcessExceptionActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (exception, actor, now) => exception.Ignore(request?.Note, actor, now), cancellationToken));
}
