using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Returns;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Orders.Changes;
using Waybill.Server.Payments.CreditMemos;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Returns;

/// <summary>
/// <c>POST /api/v1/return-orders/{id}/receive</c> <c>{ "lines": [{ "returnLineId", "quantityReceived", "quantityRejected",
/// "condition": "resellable|damaged", "locationCode" }] }</c> → 200 with the return order. One transaction with the order
/// row locked — so two receipts racing for the last unit run one after the other, and the second finds nothing left: the
/// received units come back as a return change order with its credit memo (the fees with the first receipt that covers
/// them), rejected units are withdrawn, resellable units go back on hand at their location; events <c>order.changed</c>,
/// <c>credit_memo.created</c> (flow 6 refunds it), <c>return_order.received</c>, and history.
/// </summary>
public static class ReceiveReturnOrder
{
    public sealed record LineInput(string? ReturnLineId, int? QuantityReceived, int? QuantityRejected, string? Condition, string? LocationCode);

    public sealed record Request(List<LineInput?>? Lines);

    private static readonly Dictionary<string, ReturnCondition> Conditions =
        Enum.GetValues<ReturnCondition>().ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    public static RouteHandlerBuilder MapReceiveReturnOrder(this RouteGroupBuilder returnOrders) => returnOrders
        .MapPost("/{id}/receive", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("ReceiveReturnOrder");

    public static async Task<Ok<ReturnOrderResponse>> Handle(string id, Request request, WaybillDb db, RequestCommit commit, ReturnRestock restock,
        EventOutbox outbox, AuditTrail audit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var lines = Parse(request);
        var orderId = await ReturnOrderRecords.OrderIdOfAsync(db, id, cancellationToken);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, orderId, cancellationToken);
            var returnOrder = await ReturnOrderRecords.LoadAsync(db, id, cancellationToken);
            IfMatch.Check(http.Request, returnOrder.Version);
            await CheckLocationsAsync(db, lines, cancellationToken);
            var (order, customer) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
            var billed = await ChangeInputs.BilledChargesAsync(db, orderId, cancellationToken);
            var previous = returnOrder.Status;
            var receiving = returnOrder.Receive(order, ids.NewId(), lines, ids.NewId(), ids.NewId(), billed, clock.UtcNow);
            if (receiving.Change is not null) db.ChangeOrders.Add(receiving.Change);
            var actor = http.User.Actor();
            foreach (var r in receiving.Restock) await restock.AddAsync(r.LocationCode, r.Sku, r.Quantity, orderId, actor, cancellationToken);
            var billing = new ChangeBilling(receiving.Memo, receiving.Invoice);
            billing.Add(db);
            if (order.Events.Count > 0)
                OrderStore.RecordEvents(order, await OrderStore.ResponseAsync(db, order, customer, cancellationToken), outbox, audit, actor);
            billing.RecordEvents(outbox, audit, actor);
            ReturnOrderRecords.Record(returnOrder, "receive", previous, outbox, audit, actor,
                new { receiptId = receiving.Receipt.Id, receiving.Receipt.ChangeOrderId, receiving.Receipt.CreditMemoId, restocked = receiving.Restock });
            var body = ReturnOrderResponse.From(returnOrder);
            await commit.SaveAsync(200, body, null, cancellationToken);
            http.Response.Headers.ETag = $"\"{returnOrder.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Ok(response);
    }

    /// <summary>Every location named must exist: restocking at an unknown one would create stock nowhere.</summary>
    private static async Task CheckLocationsAsync(WaybillDb db, List<ReceiptLineRequest> lines, CancellationToken cancellationToken)
    {
        var named = lines.Select(l => l.LocationCode).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (named.Count == 0) return;
        var known = (await db.Locations.AsNoTracking().Where(l => named.Contains(l.Code)).Select(l => l.Code).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var errors = new FieldErrors();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].LocationCode is { } code && !known.Contains(code)) errors.Add($"lines[{i}].locationCode", $"There is no location '{code}'.");
        }
        errors.ThrowIfAny();
    }

    private static List<ReceiptLineRequest> Parse(Request request)
    {
        var errors = new FieldErrors();
        var parsed = ChangeInputs.EachLine(request.Lines, "lines", "Name at least one return line received or rejected.", ChangeInputs.MaxLines,
            $"At most {ChangeInputs.MaxLines} lines a request.", errors, (line, path) =>
            {
                if (string.IsNullOrWhiteSpace(line.ReturnLineId)) errors.Add($"{path}.returnLineId", "returnLineId names a line of the return order.");
                ReturnCondition condition = default;
                if (line.Condition is null || !Conditions.TryGetValue(line.Condition, out condition))
                    errors.Add($"{path}.condition", $"condition is one of: {string.Join(", ", Conditions.Keys)}.");
                var location = string.IsNullOrWhiteSpace(line.LocationCode) ? null : line.LocationCode.Trim();
                return new ReceiptLineRequest(line.ReturnLineId?.Trim() ?? "", line.QuantityReceived ?? 0, line.QuantityRejected ?? 0, condition, location);
            });
        errors.ThrowIfAny();
        return parsed;
    }
}
