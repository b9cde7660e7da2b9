namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>
/// The retry hook: reruns the failed step a process exception was raised for. The flow engine implements it for the
/// exceptions it raises (their <c>RetryReference</c> names its run and step); until one is registered that handles an
/// exception's reference, <c>POST /{id}/retry</c> answers 409 <c>nothing_to_retry</c>.
/// </summary>
/// <remarks>
/// Called outside any transaction (a step may call a gateway). The outcome is then recorded on the exception: success
/// resolves it, failure leaves it open with the outcome as a note. A step that fails again may raise a new exception
/// instead; return failure then too.
/// </remarks>
public interface IProcessExceptionRetry
{
    /// <summary>Whether this hook knows how to rerun what <paramref name="retryReference"/> names.</summary>
    bool Handles(string retryReference);

    Task<ProcessExceptionRetryOutcome> RetryAsync(ProcessExceptionResponse exception, string retryReference, CancellationToken cancellationToken);
}

/// <summary>What a rerun came to, and the note that says so.</summary>
public sealed record ProcessExceptionRetryOutcome(bool Succeeded, string Note);
