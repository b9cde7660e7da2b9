using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>POST /api/v1/fulfillment-orders/{id}/reject-lines</c> <c>{ "lines": [{ "lineId", "quantity" }], "reason" }</c>: the
/// location cannot ship these quantities. They go back to the order line to be routed again — never to this location
/// (<c>fulfillment_order.lines_rejected</c> starts the reroute flow); the order's stock there is released and held at the
/// channel's group again.
/// </summary>
public static class RejectLines
{
    public sealed record Request(List<FulfillmentLineInput?>? Lines, string? Reason);

    public static RouteHandlerBuilder MapRejectLines(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/reject-lines", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("RejectFulfillmentOrderLines");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, Request request, FulfillmentActions actions, ReturnedStock stock,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var lines = FulfillmentLineInputs.Parse(request.Lines, errors);
        var reason = FulfillmentLineInputs.Reason(request.Reason, required: true, errors);
        errors.ThrowIfAny();
        return TypedResults.Ok(await actions.RunAsync(id, async (fo, now) =>
        {
            var returned = fo.RejectLines(lines, reason!, now);
            return await stock.GiveBackAsync(fo, returned, holdAtGroup: true, now, cancellationToken);
        }, cancellationToken));
    }
}
