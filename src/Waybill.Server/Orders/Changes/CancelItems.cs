using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/cancellations</c> (201) and <c>/cancellations/preview</c> (200, nothing saved)
/// <c>{ "lines": [{ "lineId", "quantity", "reason"? }], "reduceShipping"? }</c>: cancels unallocated units (decision
/// 0032). One computation for both, so the submit's change order, totals and refundable amount are the preview's for the
/// same order version. The submit, in one transaction with the order row locked: the change order, the lines' figures,
/// the stock the order no longer needs released, events (<c>order.changed</c>, and <c>order.canceled</c> when nothing is
/// left) and history. Money follows in flow 5: excess funds are refunded.
/// </summary>
public static partial class CancelItems
{
    public sealed record LineInput(string? LineId, int? Quantity, string? Reason);

    public sealed record Request(List<LineInput?>? Lines, bool? ReduceShipping);

    public const int MaxLines = 2000;

    public static void MapCancelItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/cancellations", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("CancelItems");
        orders.MapPost("/{id}/cancellations/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewCancelItems");
    }

    public static async Task<Ok<ChangeResponse>> Preview(string id, Request request, WaybillDb db, IIdGenerator ids, IClock clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var (order, _) = await OrderStore.LoadAsync(db, id, cancellationToken);
        OrderStore.CheckIfMatch(http.Request, order);
        var change = order.PreviewCancel(ids.NewId(), lines, request.ReduceShipping ?? false, ReasonOf(lines), clock.UtcNow,
            await BilledChargesAsync(db, id, cancellationToken));
        var paid = await Payments.Invoices.InvoiceRecords.PaidAsync(db, id, cancellationToken);
        return TypedResults.Ok(Respond(order, change, order.TotalsAfter(change), paid, saved: false));
    }

    public static async Task<Created<ChangeResponse>> Submit(string id, Request request, WaybillDb db, RequestCommit commit, CanceledStock stock,
        EventOutbox outbox, AuditTrail audit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, id, cancellationToken);
            var (order, customer) = await OrderStore.LoadAsync(db, id, cancellationToken);
            OrderStore.CheckIfMatch(http.Request, order);
            var paid = await Payments.Invoices.InvoiceRecords.PaidAsync(db, id, cancellationToken);
            var before = order.Totals;
            var change = order.Cancel(ids.NewId(), lines, request.ReduceShipping ?? false, ReasonOf(lines), clock.UtcNow,
                await BilledChargesAsync(db, id, cancellationToken));
            db.ChangeOrders.Add(change);
            await stock.ReleaseAsync(order, cancellationToken);
            var body = Respond(order, change, order.Totals, paid, saved: true, before);
            var actor = http.User.Actor();
            audit.Record("order", order.Id, "cancel_items", actor, null, null, change.Reason,
                new { changeOrderId = change.Id, change.TotalDelta, lines = change.Lines.Select(l => new { l.OrderLineId, l.QuantityDelta, l.Reason }) });
            OrderStore.RecordEvents(order, await OrderStore.ResponseAsync(db, order, customer, cancellationToken), outbox, audit, actor);
            await commit.SaveAsync(201, body, PathOf(id), cancellationToken);
            http.Response.Headers.ETag = $"\"{order.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Created(PathOf(id), response);
    }

    private static string PathOf(string orderId) => $"/api/v1/orders/{orderId}";

    private static ChangeResponse Respond(Order order, ChangeOrder change, OrderTotals after, decimal invoicesPaid, bool saved, OrderTotals? before = null)
    {
        var currency = order.Currency;
        var totalsBefore = before ?? order.Totals;
        // What the change frees: excess funds after it, less the excess there was before it.
        var refundable = order.ExcessFunds(invoicesPaid, after.GrandTotalAmount) - order.ExcessFunds(invoicesPaid, totalsBefore.GrandTotalAmount);
        return new ChangeResponse(ChangeOrderResponse.From(change, order.Taxation, currency, saved),
            TotalsResponse.From(totalsBefore, currency.Normalize), TotalsResponse.From(after, currency.Normalize), currency.Normalize(refundable), null);
    }

    /// <summary>The order's delivery charges already invoiced: a cancel leaves them as billed.</summary>
    private static async Task<IReadOnlySet<string>> BilledChargesAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        (await db.Set<Domain.Payments.InvoiceLine>()
            .Where(l => l.Type == OrderLineType.DeliveryCharge && db.Set<Domain.Payments.Invoice>().Any(i => i.Id == l.InvoiceId && i.OrderId == orderId))
            .Select(l => l.OrderLineId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The change order's reason: the lines' reason when they all give the same one.</summary>
    private static string? ReasonOf(IReadOnlyList<CancelRequestLine> lines) =>
        lines.Select(l => l.Reason).Distinct().ToList() is [var only] ? only : null;

    private static List<CancelRequestLine> Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = new List<CancelRequestLine>();
        if (request.Lines is null || request.Lines.Count == 0) errors.Add("lines", "Name at least one line to cancel.");
        else if (request.Lines.Count > MaxLines) errors.Add("lines", $"At most {MaxLines} lines a request.");
        else
        {
            for (var i = 0; i < request.Lines.Count; i++)
            {
                var line = request.Lines[i];
                var path = $"lines[{i}]";
                if (line is null) { errors.Add(path, "A line cannot be null."); continue; }
                if (string.IsNullOrWhiteSpace(line.LineId)) errors.Add($"{path}.lineId", "lineId is required.");
                if (line.Quantity is null) errors.Add($"{path}.quantity", "quantity is required.");
                else if (line.Quantity <= 0) errors.Add($"{path}.quantity", "quantity is a whole number above zero.");
                if (line.Reason is not null && !ReasonCode().IsMatch(line.Reason))
                    errors.Add($"{path}.reason", "reason is a short code: letters, digits and _, at most 64.");
                lines.Add(new CancelRequestLine(line.LineId?.Trim() ?? "", line.Quantity ?? 0, line.Reason));
            }
        }
        errors.ThrowIfAny();
        return lines;
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex ReasonCode();
}
