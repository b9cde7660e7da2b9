using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Payments.Funds;

namespace Waybill.Server.Payments.Invoices;

/// <summary>
/// <c>retry</c> on a payment process exception raised for an invoice: ensure-funds again (after someone added an
/// authorization), leaving out the payments that declined a capture for it — the new authorization is what is tried,
/// not a card that will decline again (or an asynchronous one that would keep the invoice waiting for its decline). A
/// person who wants a declined payment tried again calls <c>POST /invoices/{id}/ensure-funds</c>, which tries them all.
/// Paid resolves the exception; anything else leaves it open with the outcome as a note.
/// </summary>
public sealed class InvoiceFundsRetry(IServiceScopeFactory scopes) : IProcessExceptionRetry
{
    private const string Prefix = "invoice:";

    public bool Handles(string retryReference) => retryReference.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<ProcessExceptionRetryOutcome> RetryAsync(ProcessExceptionResponse exception, string retryReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retryReference);
        var invoiceId = retryReference[Prefix.Length..];
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var invoice = await scope.ServiceProvider.GetRequiredService<InvoiceFunding>()
                .EnsureAgainAsync(invoiceId, "process_exception:" + exception.Id, cancellationToken);
            return invoice.Status == InvoiceStatus.Paid
                ? new ProcessExceptionRetryOutcome(true, $"Invoice {invoiceId} is paid.")
                : new ProcessExceptionRetryOutcome(false, $"Invoice {invoiceId} is {StatusNames.Of(invoice.Status)} with {invoice.Balance} {invoice.Currency} left to pay.");
        }
        catch (InvalidTransitionException)
        {
            return new ProcessExceptionRetryOutcome(true, $"Invoice {invoiceId} was paid already.");
        }
    }
}
