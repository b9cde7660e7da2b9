using System.Text.Json;
using System.Text.Json.Nodes;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.Flows.Actions;

/// <summary>The order actions a flow can take: the same <see cref="OrderOperations"/> the endpoints use, with the flow as the actor.</summary>
internal static class OrderFlowAction
{
    public static async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, Action<Order, DateTimeOffset> act, CancellationToken cancellationToken)
    {
        var orderId = FlowInput.RequiredText(input, "orderId");
        var operations = context.Services.GetRequiredService<OrderOperations>();
        var (_, response) = await operations.ActAsync(orderId, act, context.Actor, cancellationToken);
        return JsonSerializer.SerializeToNode(response, WaybillJson.Options);
    }
}

/// <summary><c>approve</c> <c>{ orderId }</c>: as <c>POST /orders/{id}/approve</c>; output the order.</summary>
public sealed class ApproveFlowAction : IFlowAction
{
    public string Name => "approve";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken) =>
        OrderFlowAction.RunAsync(context, input, (order, now) => order.Approve(now), cancellationToken);
}

/// <summary><c>hold</c> <c>{ orderId, reason }</c>: as <c>POST /orders/{id}/hold</c>.</summary>
public sealed class HoldFlowAction : IFlowAction
{
    public string Name => "hold";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var reason = FlowInput.OptionalText(input, "reason");
        if (OrderOperations.HoldReasonProblem(reason) is { } problem) throw new FlowInputException("input." + problem);
        return OrderFlowAction.RunAsync(context, input, (order, now) => order.Hold(reason!.Trim(), now), cancellationToken);
    }
}

/// <summary><c>release_hold</c> <c>{ orderId, reason? }</c>: as <c>POST /orders/{id}/release-hold</c>.</summary>
public sealed class ReleaseHoldFlowAction : IFlowAction
{
    public string Name => "release_hold";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var reason = FlowInput.OptionalText(input, "reason");
        return OrderFlowAction.RunAsync(context, input, (order, now) => order.ReleaseHold(reason, now), cancellationToken);
    }
}

/// <summary>
/// <c>set_status</c> <c>{ orderId, status, reason? }</c>: moves the order to <c>status</c> by the transition of the
/// order's table that leads there (approved: approve; on_hold: hold, reason required; back from on_hold: release-hold).
/// Anything the table does not allow fails the step as <c>invalid_transition</c> would.
/// </summary>
public sealed class SetStatusFlowAction : IFlowAction
{
    public string Name => "set_status";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var statusName = FlowInput.RequiredText(input, "status");
        var target = Enum.GetValues<OrderStatus>().FirstOrDefault(s => StatusNames.Of(s) == statusName, (OrderStatus)(-1));
        if (!Enum.IsDefined(target))
            throw new FlowInputException($"input.status: '{statusName}' is not an order status ({string.Join(", ", Enum.GetValues<OrderStatus>().Select(s => StatusNames.Of(s)))}).");
        var reason = FlowInput.OptionalText(input, "reason");
        if (target == OrderStatus.OnHold && OrderOperations.HoldReasonProblem(reason) is { } problem) throw new FlowInputException("input." + problem);
        var billingSettled = target != OrderStatus.Closed || await Payments.Invoices.InvoiceRecords.BillingSettledAsync(
            context.Services.GetRequiredService<Data.WaybillDb>(), FlowInput.RequiredText(input, "orderId"), cancellationToken);
        return await OrderFlowAction.RunAsync(context, input, (order, now) =>
        {
            if (order.Status == target) return;
            if (target == OrderStatus.Approved) order.Approve(now);
            else if (target == OrderStatus.Closed) order.Close(billingSettled, now);
            else if (target == OrderStatus.OnHold) order.Hold(reason!.Trim(), now);
            else if (order.Status == OrderStatus.OnHold && OrderTransitions.IsAllowed(OrderTransitions.ReleaseHold, order.Status)
                     && (order.StatusBeforeHold ?? OrderStatus.Created) == target)
                order.ReleaseHold(reason, now);
            else throw new InvalidTransitionException("order", StatusNames.Of(order.Status), "set_status " + StatusNames.Of(target));
        }, cancellationToken);
    }
}

/// <summary>
/// <c>close_order</c> <c>{ orderId }</c> (default flow 7): closes the order when it is fulfilled and its money settled
/// (paid, fully refunded, or nothing to pay); otherwise leaves it and outputs <c>{ skipped }</c> with the reason — the
/// flow runs on every paid invoice, and only the last one finds the order ready.
/// </summary>
/// <remarks>
/// Whether billing is settled (every shipment invoiced, every invoice paid) is read in the same transaction as the close,
/// after the order row is locked like every money change of the order: a shipment, an invoice or a capture committed
/// concurrently is either seen or waits for the close, never slips in between the check and the close. So the action
/// commits in a scope and transaction of its own, before the step is recorded (as <c>route</c> does); run twice (a crash
/// between the two commits), the second finds the order closed and outputs <c>skipped</c>.
/// </remarks>
public sealed class CloseOrderFlowAction : IFlowAction
{
    public string Name => "close_order";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var orderId = FlowInput.RequiredText(input, "orderId");
        await using var scope = context.Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<Data.WaybillDb>();
        string? skipped = null;
        var response = await services.GetRequiredService<RequestCommit>().InTransactionAsync(async () =>
        {
            skipped = null;
            await Payments.Funds.PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var settled = await Payments.Invoices.InvoiceRecords.BillingSettledAsync(db, orderId, cancellationToken);
            var (_, closed) = await services.GetRequiredService<OrderOperations>().ActAsync(orderId, (order, now) =>
            {
                try
                {
                    order.Close(settled, now);
                }
                catch (InvalidTransitionException e)
                {
                    skipped = e.Message;
                }
            }, context.Actor, cancellationToken);
            // Not RequestCommit.SaveAsync: a retry runs inside a request whose idempotency record is not ours to write.
            await db.SaveChangesAsync(cancellationToken);
            return closed;
        }, cancellationToken);
        return skipped is null ? JsonSerializer.SerializeToNode(response, WaybillJson.Options) : new JsonObject { ["skipped"] = skipped };
    }
}
