using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.ProcessExceptions;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary>
/// <c>retry</c> on the refund process exception raised for a credit memo no payment could take: ensure-refunds again.
/// Refunded (or a refund under way) resolves the exception; anything else leaves it open with the outcome as a note.
/// </summary>
public sealed class CreditMemoRefundRetry(IServiceScopeFactory scopes) : IProcessExceptionRetry
{
    private const string Prefix = "credit_memo:";

    public static string Reference(string creditMemoId) => Prefix + creditMemoId;

    public bool Handles(string retryReference) => retryReference.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<ProcessExceptionRetryOutcome> RetryAsync(ProcessExceptionResponse exception, string retryReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(retryReference);
        var memoId = retryReference[Prefix.Length..];
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var (memo, pending) = await scope.ServiceProvider.GetRequiredService<CreditMemoRefunds>()
                .EnsureAsync(memoId, "process_exception:" + exception.Id, null, cancellationToken);
            return memo.Status == CreditMemoStatus.Refunded || pending > 0
                ? new ProcessExceptionRetryOutcome(true, memo.Status == CreditMemoStatus.Refunded
                    ? $"Credit memo {memoId} is refunded."
                    : $"Refunding {pending} {memo.Currency} of credit memo {memoId}.")
                : new ProcessExceptionRetryOutcome(false, $"Credit memo {memoId} still has {memo.Balance} {memo.Currency} that no payment could take back.");
        }
        catch (InvalidTransitionException)
        {
            return new ProcessExceptionRetryOutcome(true, $"Credit memo {memoId} was refunded already.");
        }
    }
}
