using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/delivery-adjustments</c> (201) and <c>/delivery-adjustments/preview</c> (200)
/// <c>{ "deliveryGroupId", "amount": -9.99, "reason"? }</c>: an appeasement on a delivery group's charge (decision 0036)
/// through <see cref="ChangeSubmit"/>: credited when the charge was invoiced, otherwise billed lower.
/// </summary>
public static class AdjustDelivery
{
    public sealed record Request(string? DeliveryGroupId, decimal? Amount, string? Reason);

    public static void MapAdjustDelivery(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/delivery-adjustments", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("AdjustDelivery");
        orders.MapPost("/{id}/delivery-adjustments/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewAdjustDelivery");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, ChangeSubmit changes, HttpContext http, CancellationToken cancellationToken)
    {
        var groupId = Parse(request);
        return TypedResults.Ok(await changes.PreviewAsync(id, http,
            c => c.Order.PreviewAdjustDelivery(changes.Ids.NewId(), groupId, request.Amount, request.Reason, c.Now), bills: true, cancellationToken));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, ChangeSubmit changes, HttpContext http, CancellationToken cancellationToken)
    {
        var groupId = Parse(request);
        var response = await changes.SubmitAsync(id, http, "adjust_delivery",
            c => Task.FromResult(new AppliedChange(c.Order.AdjustDelivery(changes.Ids.NewId(), groupId, request.Amount, request.Reason, c.Now))), bills: true,
            cancellationToken);
        return TypedResults.Created(ChangeSubmit.PathOf(id), response);
    }

    private static string Parse(Request request)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.DeliveryGroupId)) errors.Add("deliveryGroupId", "deliveryGroupId is required.");
        if (request.Amount is null) errors.Add("amount", "amount is required: what is taken off (negative).");
        ChangeInputs.CheckCode(request.Reason, "reason", errors);
        errors.ThrowIfAny();
        return request.DeliveryGroupId!.Trim();
    }
}
