using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>
/// <c>POST /api/v1/process-exceptions/{id}/retry</c>: reruns the failed step through <see cref="IProcessExceptionRetry"/>;
/// success resolves the exception. 409 <c>nothing_to_retry</c> when no step is named or no hook handles it.
/// </summary>
public static class RetryProcessException
{
    public static RouteHandlerBuilder MapRetryProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapPost("/{id}/retry", Handle)
        .RequireAuthorization(Policies.HandleProcessExceptions)
        .WithName("RetryProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(
        string id, ProcessExceptions exceptions, ProcessExceptionActions actions, IEnumerable<IProcessExceptionRetry> hooks, CancellationToken cancellationToken)
    {
        var exception = await exceptions.LoadAsync(id, cancellationToken);
        exception.EnsureRetryAllowed();
        var reference = exception.RetryReference;
        var hook = reference is null ? null : hooks.FirstOrDefault(h => h.Handles(reference));
        if (hook is null)
            throw new ProblemException(Problems.Create(409, "nothing_to_retry", "There is nothing to retry.",
                reference is null
                    ? "This process exception names no failed step to rerun; resolve, ignore or void it instead."
                    : "No part of this server can rerun the step this process exception names."));

        var outcome = await hook.RetryAsync(ProcessExceptionResponse.From(exception), reference!, cancellationToken);
        return TypedResults.Ok(await actions.RunAsync(id, (e, actor, now) => e.RecordRetry(outcome.Succeeded, outcome.Note, actor, now), cancellationToken));
    }
}
