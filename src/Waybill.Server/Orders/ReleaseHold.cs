using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>POST /api/v1/orders/{id}/release-hold</c>: the order goes back to the status it had before the hold.</summary>
public static class ReleaseHold
{
    public sealed record Request(string? Reason);

    public static RouteHandlerBuilder MapReleaseHold(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/release-hold", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("ReleaseHold");

    public static async Task<Ok<OrderResponse>> Handle(string id, OrderActions actions, CancellationToken cancellationToken, Request? request = null)
    {
        var errors = new FieldErrors();
        if (request?.Reason is { Length: > 500 }) errors.Add("reason", "reason is at most 500 characters.");
        errors.ThrowIfAny();
        return TypedResults.Ok(await actions.RunAsync(id, (order, now) => order.ReleaseHold(request?.Reason, now), cancellationToken));
    }
}
