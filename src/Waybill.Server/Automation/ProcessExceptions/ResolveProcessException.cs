using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>POST /api/v1/process-exceptions/{id}/resolve</c> <c>{ "note"? }</c>: the cause is dealt with; writes <c>process_exception.resolved</c>.</summary>
public static class ResolveProcessException
{
    public static RouteHandlerBuilder MapResolveProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/{id}/resolve", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("ResolveProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(
        string id, ProcessExceptionActionRequest? request, ProcessExceptionActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (exception, actor, now) => exception.Resolve(request?.Note, actor, now), cancellationToken));
}
