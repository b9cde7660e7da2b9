using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Automation.Flows.Actions;
using Waybill.Server.Data;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments;

/// <summary>
/// <c>create_invoice</c> <c>{ shipmentId }</c> (default flow 4): invoices the shipment's units; output the invoice. A
/// shipment invoiced already gives back its invoice.
/// </summary>
/// <remarks>
/// The invoice is priced from the order and the units invoiced before it, read after the order row is locked like every
/// money change of the order, in a transaction of its own (as <c>close_order</c> does): an appeasement, a return or a
/// cancel committed meanwhile is either seen (the invoice bills the lowered units) or waits for the invoice (and then
/// credits what it billed) — never decided on a stale order. Run twice (a crash between the two commits), the second finds
/// the invoice.
/// </remarks>
public sealed class CreateInvoiceFlowAction : IFlowAction
{
    public string Name => "create_invoice";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var shipmentId = FlowInput.RequiredText(input, "shipmentId");
        await using var scope = context.Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WaybillDb>();
        try
        {
            var invoice = await services.GetRequiredService<RequestCommit>().InTransactionAsync(async () =>
            {
                var orderId = await db.Shipments.Where(s => s.Id == shipmentId).Select(s => s.OrderId).FirstOrDefaultAsync(cancellationToken)
                    ?? throw new ProblemException(Problems.NotFound("shipment", shipmentId));
                await Funds.PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
                var made = await services.GetRequiredService<ShipmentInvoicing>().InvoiceAsync(shipmentId, context.Actor, cancellationToken);
                // Not RequestCommit.SaveAsync: a retry runs inside a request whose idempotency record is not ours to write.
                await db.SaveChangesAsync(cancellationToken);
                return InvoiceResponse.From(made);
            }, cancellationToken);
            return JsonSerializer.SerializeToNode(invoice, WaybillJson.Options);
        }
        catch (ProblemException e) when (e.Problem.Status == 404)
        {
            throw new FlowInputException($"input.shipmentId: {e.Problem.Detail}");
        }
    }
}

/// <summary>
/// <c>ensure_funds</c> <c>{ invoiceId }</c>: as <c>POST /invoices/{id}/ensure-funds</c>, in transactions of its own with
/// the gateway called between them; output the invoice. Declined payments leave the invoice <c>failed</c> with a payment
/// process exception (the step succeeds: a person has to act). When every call of this try failed for want of an
/// answer (the gateway unreachable after its retries) the step fails as transient, so the flow tries again with backoff.
/// A paid invoice (a rerun) is output as it is.
/// </summary>
public sealed class EnsureFundsFlowAction(InvoiceFunding funding, WaybillDb db, IClock clock) : IFlowAction
{
    public string Name => "ensure_funds";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var invoiceId = FlowInput.RequiredText(input, "invoiceId");
        var startedAt = clock.UtcNow;
        InvoiceResponse invoice;
        try
        {
            invoice = await funding.EnsureAsync(invoiceId, context.Actor, null, cancellationToken);
        }
        catch (ProblemException e) when (e.Problem.Status == 404)
        {
            throw new FlowInputException($"input.invoiceId: {e.Problem.Detail}");
        }
        catch (InvalidTransitionException)
        {
            invoice = InvoiceResponse.From(await InvoiceRecords.LoadAsync(db, invoiceId, cancellationToken));
        }
        if (invoice.Status == InvoiceStatus.Failed)
        {
            var results = await db.PaymentInteractions.AsNoTracking()
                .Where(i => i.InvoiceId == invoiceId && i.RequestedAt >= startedAt).Select(i => i.Result).ToListAsync(cancellationToken);
            if (results.Count > 0 && results.All(r => r == PaymentInteractionResult.Error))
                throw new FlowTransientException($"Invoice {invoiceId}: the gateway could not be reached; funds will be ensured again.");
        }
        return JsonSerializer.SerializeToNode(invoice, WaybillJson.Options);
    }
}

/// <summary>
/// <c>ensure_refunds</c> <c>{ creditMemoId }</c> (default flow 6) refunds a credit memo; <c>{ orderId }</c> (flows 5 and 7)
/// refunds the order's excess funds once nothing more will be invoiced. Both in transactions of their own with the gateway
/// called between them. Output the memo (with what its refunds under way bring), or what is left unapplied and being
/// refunded, or <c>skipped</c> with the reason.
/// </summary>
public sealed class EnsureRefundsFlowAction(Funds.ExcessFundsRefunds refunds, CreditMemos.CreditMemoRefunds memoRefunds) : IFlowAction
{
    public string Name => "ensure_refunds";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var memoId = FlowInput.OptionalText(input, "creditMemoId");
        var field = memoId is null ? "orderId" : "creditMemoId";
        try
        {
            if (memoId is null)
                return JsonSerializer.SerializeToNode(await refunds.EnsureAsync(FlowInput.RequiredText(input, "orderId"), context.Actor, cancellationToken), WaybillJson.Options);
            try
            {
                return JsonSerializer.SerializeToNode(await memoRefunds.EnsureAsync(memoId, context.Actor, null, cancellationToken), WaybillJson.Options);
            }
            catch (InvalidTransitionException e)
            {
                // Refunded already (a person, or a repeated event): nothing to do, as ensure-funds on a paid invoice in a flow.
                return JsonSerializer.SerializeToNode(new { skipped = e.Message }, WaybillJson.Options);
            }
        }
        catch (ProblemException e) when (e.Problem.Status == 404)
        {
            throw new FlowInputException($"input.{field}: {e.Problem.Detail}");
        }
    }
}
