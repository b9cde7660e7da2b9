using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>POST /api/v1/process-exceptions/{id}/pause</c> <c>{ "note"? }</c>: park it while waiting on someone else (a customer, a carrier).</summary>
public static class PauseProcessException
{
    public static RouteHandlerBuilder MapPauseProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/{id}/pause", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("PauseProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(
        string id, ProcessExceptionActionRequest? request, ProcessExceptionActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (exception, actor, now) => exception.Pause(request?.Note, actor, now), cancellationToken));
}
