using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/adjustments</c> (201) and <c>/adjustments/preview</c> (200)
/// <c>{ "lines": [{ "lineId", "amount": -5.00 | "percent": 10, "reason"? }] }</c>: appeasements on product lines (decision
/// 0036) through <see cref="ChangeSubmit"/>. The part on units already invoiced is given back by a credit memo (flow 6
/// refunds it); the rest lowers what later invoices bill.
/// </summary>
public static class AdjustItems
{
    public sealed record LineInput(string? LineId, decimal? Amount, decimal? Percent, string? Reason);

    public sealed record Request(List<LineInput?>? Lines);

    public static void MapAdjustItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/adjustments", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("AdjustItems");
        orders.MapPost("/{id}/adjustments/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewAdjustItems");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, ChangeSubmit changes, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        return TypedResults.Ok(await changes.PreviewAsync(id, http,
            c => c.Order.PreviewAdjust(changes.Ids.NewId(), lines, ReasonOf(lines), c.Now, c.InvoicedUnits), bills: true, cancellationToken));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, ChangeSubmit changes, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var response = await changes.SubmitAsync(id, http, "adjust_items",
            c => Task.FromResult(new AppliedChange(c.Order.Adjust(changes.Ids.NewId(), lines, ReasonOf(lines), c.Now, c.InvoicedUnits))), bills: true,
            cancellationToken);
        return TypedResults.Created(ChangeSubmit.PathOf(id), response);
    }

    private static string? ReasonOf(IReadOnlyList<AdjustRequestLine> lines) => ChangeInputs.ReasonOf(lines.Select(l => l.Reason));

    private static List<AdjustRequestLine> Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = ChangeInputs.EachLine(request.Lines, "lines", "Name at least one line to adjust.", ChangeInputs.MaxLines,
            $"At most {ChangeInputs.MaxLines} lines a request.", errors, (line, path) =>
            {
                if (string.IsNullOrWhiteSpace(line.LineId)) errors.Add($"{path}.lineId", "lineId is required.");
                ChangeInputs.CheckCode(line.Reason, $"{path}.reason", errors);
                return new AdjustRequestLine(line.LineId?.Trim() ?? "", line.Amount, line.Percent, line.Reason);
            });
        errors.ThrowIfAny();
        return lines;
    }
}
