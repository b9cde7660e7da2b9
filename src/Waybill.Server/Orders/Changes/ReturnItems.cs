using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/returns</c> (201) and <c>/returns/preview</c> (200, nothing saved)
/// <c>{ "lines": [{ "lineId", "quantity", "reason"? }], "reduceShipping"?, "restock"? }</c>: a direct return of shipped
/// units, received at once (decision 0034), through <see cref="ChangeSubmit"/>: the change order, the credit memo (what was
/// billed and comes back), the units restocked where the line last shipped from (with <c>restock</c>), events
/// <c>order.changed</c> and <c>credit_memo.created</c>. Money follows in flow 6: the memo is refunded.
/// </summary>
public static class ReturnItems
{
    public sealed record Request(List<ChangeLineInput?>? Lines, bool? ReduceShipping, bool? Restock);

    public static void MapReturnItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/returns", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("ReturnItems");
        orders.MapPost("/{id}/returns/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewReturnItems");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, ChangeSubmit changes, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        return TypedResults.Ok(await changes.PreviewAsync(id, http,
            c => c.Order.PreviewReturn(changes.Ids.NewId(), lines, request.ReduceShipping ?? false, [], ReasonOf(lines), c.Now), bills: true, cancellationToken));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, ChangeSubmit changes, ReturnRestock restock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var response = await changes.SubmitAsync(id, http, "return_items", async c =>
        {
            var change = c.Order.Return(changes.Ids.NewId(), lines, request.ReduceShipping ?? false, [], ReasonOf(lines), c.Now);
            var restocked = request.Restock == true ? await restock.AtShippingLocationAsync(c.Order, change, c.Actor, cancellationToken) : [];
            return new AppliedChange(change, new { restocked = restocked.Select(r => new { r.Location, r.Sku, r.Quantity }) });
        }, bills: true, cancellationToken);
        return TypedResults.Created(ChangeSubmit.PathOf(id), response);
    }

    private static string? ReasonOf(IReadOnlyList<ReturnRequestLine> lines) => ChangeInputs.ReasonOf(lines.Select(l => l.Reason));

    private static List<ReturnRequestLine> Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = ChangeInputs.ParseLines(request.Lines, "return", errors);
        errors.ThrowIfAny();
        return [.. lines.Select(l => new ReturnRequestLine(l.LineId!, l.Quantity!.Value, l.Reason))];
    }
}
