using Waybill.Domain.Common;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Invoices;

/// <summary>
/// <c>payments.ensure_funds_again</c>: a capture declined after the fact — by the gateway's notification of an
/// asynchronous capture, or by the settle job's repeat of a lost call — ends no ensure-funds round that could try the
/// order's other payments, so the settlement schedules this job in its own transaction: ensure-funds again for the
/// invoice, leaving out the payments that declined it (<see cref="InvoiceFunding.EnsureAgainAsync"/>). Only when nothing
/// else covers the balance does the invoice fail with its process exception. A second run finds the invoice paid, or
/// its calls under way, and does nothing new.
/// </summary>
public sealed class InvoiceFundsAgainJob(InvoiceFunding funding) : IJobHandler
{
    public const string JobKind = "payments.ensure_funds_again";

    public sealed record Payload(string InvoiceId);

    public string Kind => JobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var payload = job.PayloadAs<Payload>();
        try
        {
            await funding.EnsureAgainAsync(payload.InvoiceId, "job:" + JobKind, cancellationToken);
        }
        catch (InvalidTransitionException)
        {
            // Paid meanwhile (another payment, a later notification): nothing is left to do.
        }
        catch (ProblemException e) when (e.Problem.Status == 404)
        {
            throw new JobGiveUpException($"Invoice {payload.InvoiceId} is gone.", e);
        }
    }
}
