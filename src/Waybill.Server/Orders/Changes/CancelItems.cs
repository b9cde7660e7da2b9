using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/cancellations</c> (201) and <c>/cancellations/preview</c> (200, nothing saved)
/// <c>{ "lines": [{ "lineId", "quantity", "reason"? }], "reduceShipping"? }</c>: cancels unallocated units (decision
/// 0032) through <see cref="ChangeSubmit"/>. The submit also releases the stock the order no longer needs, in the same
/// transaction; events <c>order.changed</c>, and <c>order.canceled</c> when nothing is left. Money follows in flow 5:
/// excess funds are refunded (canceled units were never billed, so there is no credit memo).
/// </summary>
public static class CancelItems
{
    public sealed record Request(List<ChangeLineInput?>? Lines, bool? ReduceShipping);

    public static void MapCancelItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/cancellations", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("CancelItems");
        orders.MapPost("/{id}/cancellations/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewCancelItems");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, ChangeSubmit changes, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        return TypedResults.Ok(await changes.PreviewAsync(id, http, c => c.Order.PreviewCancel(changes.Ids.NewId(), lines, request.ReduceShipping ?? false,
            ReasonOf(lines), c.Now, c.BilledCharges), bills: false, cancellationToken));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, ChangeSubmit changes, CanceledStock stock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var response = await changes.SubmitAsync(id, http, "cancel_items", async c =>
        {
            var change = c.Order.Cancel(changes.Ids.NewId(), lines, request.ReduceShipping ?? false, ReasonOf(lines), c.Now, c.BilledCharges);
            await stock.ReleaseAsync(c.Order, cancellationToken);
            return new AppliedChange(change);
        }, bills: false, cancellationToken);
        return TypedResults.Created(ChangeSubmit.PathOf(id), response);
    }

    private static string? ReasonOf(IReadOnlyList<CancelRequestLine> lines) => ChangeInputs.ReasonOf(lines.Select(l => l.Reason));

    private static List<CancelRequestLine> Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = ChangeInputs.ParseLines(request.Lines, "cancel", errors);
        errors.ThrowIfAny();
        return [.. lines.Select(l => new CancelRequestLine(l.LineId!, l.Quantity!.Value, l.Reason))];
    }
}
