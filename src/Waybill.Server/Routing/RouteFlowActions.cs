using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Automation.Flows.Actions;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Routing;

/// <summary>
/// Routing as a flow runs it. Routing moves stock with conditional updates, which must commit with the fulfillment
/// orders; a flow step's save is one <c>SaveChanges</c> without a surrounding transaction, so these actions route in a
/// scope and transaction of their own and commit before the step is recorded (decision 0020). Running one twice (a
/// crash between the two commits) is harmless: the second finds nothing left to route.
/// </summary>
internal static class RoutingInOwnTransaction
{
    public static async Task<(RoutingAttemptResponse? Attempt, string? Skipped)> RouteAsync(
        IServiceProvider services, string orderId, bool partial, string actor, CancellationToken cancellationToken)
    {
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        var commit = scope.ServiceProvider.GetRequiredService<RequestCommit>();
        var router = scope.ServiceProvider.GetRequiredService<OrderRouter>();
        try
        {
            return await commit.InTransactionAsync(async () =>
            {
                var (attempt, _) = await router.RouteAsync(orderId, partial, actor, cancellationToken);
                // Not RequestCommit.SaveAsync: a retry runs inside a request whose idempotency record is not ours to write.
                await db.SaveChangesAsync(cancellationToken);
                return ((RoutingAttemptResponse?)RoutingAttemptResponse.From(attempt), (string?)null);
            }, cancellationToken);
        }
        catch (InvalidTransitionException e) when (e.Status.EndsWith("with nothing left to route", StringComparison.Ordinal))
        {
            return (null, e.Message);
        }
        catch (ProblemException e) when (e.Problem.Status == 409)
        {
            throw new FlowTransientException(e.Problem.Detail ?? "Stock changed while routing.", e);
        }
        catch (DbUpdateConcurrencyException e)
        {
            throw new FlowTransientException("The order changed while it was routed.", e);
        }
    }
}

/// <summary>
/// <c>route</c> <c>{ orderId, partial? }</c>: as <c>POST /orders/{id}/route</c>; output the routing attempt, or
/// <c>{ skipped }</c> when nothing is left to route (a rerun).
/// </summary>
public sealed class RouteFlowAction : IFlowAction
{
    public string Name => "route";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var orderId = FlowInput.RequiredText(input, "orderId");
        var partial = input["partial"] switch
        {
            null => true,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw new FlowInputException("input.partial is true or false."),
        };
        var (attempt, skipped) = await RoutingInOwnTransaction.RouteAsync(context.Services, orderId, partial, context.Actor, cancellationToken);
        return attempt is not null ? JsonSerializer.SerializeToNode(attempt, WaybillJson.Options) : new JsonObject { ["skipped"] = skipped };
    }
}

/// <summary>
/// <c>route_backordered</c> <c>{ sku }</c>: stock of a SKU arrived — route now the backordered orders that wait for it,
/// oldest first (at most <c>Routing:BackorderedPerArrival</c>; the rest keep their schedule). Each order is routed in
/// its own transaction; one that fails is named in the output and left to its schedule, so it cannot stop the others.
/// Output <c>{ orders: [{ orderId, outcome | error }] }</c>.
/// </summary>
public sealed class RouteBackorderedFlowAction(WaybillDb db, IOptions<RoutingOptions> options) : IFlowAction
{
    public string Name => "route_backordered";

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var sku = FlowInput.RequiredText(input, "sku");
        var waiting = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Backordered
                        && db.OrderLines.Any(l => l.OrderId == o.Id && l.Sku == sku && l.QuantityOrdered - l.QuantityCanceled - l.QuantityAllocated > 0))
            .OrderBy(o => o.CreatedAt).Select(o => o.Id).Take(options.Value.BackorderedPerArrival).ToListAsync(cancellationToken);
        var results = new JsonArray();
        foreach (var orderId in waiting)
        {
            try
            {
                var (attempt, skipped) = await RoutingInOwnTransaction.RouteAsync(context.Services, orderId, partial: true, context.Actor, cancellationToken);
                results.Add(new JsonObject { ["orderId"] = orderId, ["outcome"] = attempt is null ? skipped : StatusNames.Of(attempt.Outcome!.Value) });
            }
            catch (Exception e) when (e is DomainException or FlowTransientException or ProblemException)
            {
                results.Add(new JsonObject { ["orderId"] = orderId, ["error"] = e.Message });
            }
        }
        return new JsonObject { ["sku"] = sku, ["orders"] = results };
    }
}
