using Waybill.Server.Automation.ProcessExceptions;

namespace Waybill.Server.Payments.Funds;

/// <summary>
/// <c>retry</c> on the refund process exception raised when no payment could take excess funds back: ensure-refunds
/// again (the gateway may be back, or a person fixed the payment). Nothing left in excess resolves the exception;
/// anything else leaves it open with the outcome as a note.
/// </summary>
public sealed class ExcessRefundRetry(IServiceScopeFactory scopes) : IProcessExceptionRetry
{
    private const string Prefix = "excess:";

    public bool Handles(string retryReference) => retryReference.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<ProcessExceptionRetryOutcome> RetryAsync(ProcessExceptionResponse exception, string retryReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(retryReference);
        var orderId = retryReference[Prefix.Length..];
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ExcessFundsRefunds>()
            .EnsureAsync(orderId, "process_exception:" + exception.Id, cancellationToken);
        var stillExcess = result.Skipped is { } reason && reason.StartsWith("No payment can take back", StringComparison.Ordinal);
        return stillExcess
            ? new ProcessExceptionRetryOutcome(false, result.Skipped!)
            : new ProcessExceptionRetryOutcome(true, result.RefundPending > 0
                ? $"Refunding {result.RefundPending} of excess funds."
                : "The order has no excess funds left to refund.");
    }
}
