using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>POST /api/v1/orders/{id}/hold</c> <c>{ "reason" }</c>: stop the order where it is until someone releases it.</summary>
public static class HoldOrder
{
    public sealed record Request(string? Reason);

    public static RouteHandlerBuilder MapHoldOrder(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/hold", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("HoldOrder");

    public static async Task<Ok<OrderResponse>> Handle(string id, Request request, OrderActions actions, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (OrderOperations.HoldReasonProblem(request.Reason) is { } problem) errors.Add("reason", problem);
        errors.ThrowIfAny();
        return TypedResults.Ok(await actions.RunAsync(id, (order, now) => order.Hold(request.Reason!.Trim(), now), cancellationToken));
    }
}
