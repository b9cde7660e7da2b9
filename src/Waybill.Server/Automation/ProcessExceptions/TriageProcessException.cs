using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>POST /api/v1/process-exceptions/{id}/triage</c> <c>{ "note"? }</c>: someone has looked at it and owns it (from new, or back from paused).</summary>
public static class TriageProcessException
{
    public static RouteHandlerBuilder MapTriageProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/{id}/triage", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("TriageProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(
        string id, ProcessExceptionActionRequest? request, ProcessExceptionActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (exception, actor, now) => exception.Triage(request?.Note, actor, now), cancellationToken));
}
