using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>POST /api/v1/fulfillment-orders/{id}/cancel-lines</c> <c>{ "lines": [{ "lineId", "quantity" }], "reason"? }</c>:
/// allocated, unshipped quantity is taken back and its stock released at the location; on the order line it becomes
/// available to cancel or to route again.
/// </summary>
public static class CancelLines
{
    public sealed record Request(List<FulfillmentLineInput?>? Lines, string? Reason);

    public static RouteHandlerBuilder MapCancelLines(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/cancel-lines", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("CancelFulfillmentOrderLines");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, Request request, FulfillmentActions actions, ReturnedStock stock,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var lines = FulfillmentLineInputs.Parse(request.Lines, errors);
        var reason = FulfillmentLineInputs.Reason(request.Reason, required: false, errors);
        errors.ThrowIfAny();
        return TypedResults.Ok(await actions.RunAsync(id, async (fo, now) =>
        {
            var returned = fo.CancelLines(lines, reason, now);
            return await stock.GiveBackAsync(fo, returned, holdAtGroup: false, now, cancellationToken);
        }, cancellationToken));
    }
}
