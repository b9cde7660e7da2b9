using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Customers;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;
using Waybill.Domain.Returns;
using Waybill.Server.Channels;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;
using Waybill.Server.Returns;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// <c>POST /api/v1/orders/{id}/exchanges</c> (201) and <c>/exchanges/preview</c> (200, nothing saved)
/// <c>{ "returnLines": [{ "lineId", "quantity", "reason"? }], "newLines": [{ "sku", "quantity", "unitPrice"? }], "deliveryGroupId"? }</c>
/// (decision 0037). In one transaction with the order row locked: a return order for the returned units, submitted and
/// approved (the warehouse receives it like any RMA), whose <c>exchange</c> fee is what the new order uses of their value;
/// and the exchange order (channel <c>exchange</c>, <c>originalOrderId</c> set) captured like any order — its stock reserved,
/// <c>order.created</c> for the default flows to approve and route it — paid by an <c>exchange_credit</c> payment of that
/// same amount. Events <c>return_order.created</c> and <c>order.created</c>, history on both orders.
/// </summary>
public static class ExchangeItems
{
    public sealed record NewLineInput(string? Sku, int? Quantity, decimal? UnitPrice);

    public sealed record Request(List<ChangeLineInput?>? ReturnLines, List<NewLineInput?>? NewLines, string? DeliveryGroupId);

    public static void MapExchangeItems(this RouteGroupBuilder orders)
    {
        orders.MapPost("/{id}/exchanges", Submit).RequireAuthorization(Policies.ActOnOrders).WithName("ExchangeItems");
        orders.MapPost("/{id}/exchanges/preview", Preview).RequireAuthorization(Policies.ActOnOrders).WithName("PreviewExchangeItems");
    }

    public static async Task<Ok<ExchangeResponse>> Preview(string id, Request request, WaybillDb db, IIdGenerator ids, IClock clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var (returnLines, newLines) = await ParseAsync(request, db, cancellationToken);
        var (order, customer) = await OrderStore.LoadAsync(db, id, cancellationToken);
        OrderStore.CheckIfMatch(http.Request, order);
        var now = clock.UtcNow;
        var (answer, plan) = await AnswerAsync(db, ids, order, returnLines, newLines, request.DeliveryGroupId, ids.NewId(), now, cancellationToken);
        var returnOrder = SubmitReturnOrder(order, plan, returnLines, ids, now);
        // The order number is taken at submit: a preview uses none of the sequence.
        var exchange = Order.Capture(plan.ExchangeOrder with { CapturedBy = http.User.KeyId() }, "", order.CustomerId, ids, now);
        // The return order announced units on the tracked order: nothing of it may reach a later save.
        db.ChangeTracker.Clear();
        return TypedResults.Ok(answer.With(ReturnOrderResponse.From(returnOrder), OrderResponse.From(exchange, customer)));
    }

    public static async Task<Created<ExchangeResponse>> Submit(string id, Request request, WaybillDb db, RequestCommit commit, EventOutbox outbox,
        AuditTrail audit, OrderNumbers orderNumbers, ChannelGroups channelGroups, StockLedger ledger, IIdGenerator ids, IClock clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var (returnLines, newLines) = await ParseAsync(request, db, cancellationToken);
        var sellsFrom = await channelGroups.SellsFromAsync(db, Exchange.Channel, cancellationToken);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, id, cancellationToken);
            var (order, customer) = await OrderStore.LoadAsync(db, id, cancellationToken);
            OrderStore.CheckIfMatch(http.Request, order);
            var now = clock.UtcNow;
            var actor = http.User.Actor();
            var returnOrderId = ids.NewId();
            var (answer, plan) = await AnswerAsync(db, ids, order, returnLines, newLines, request.DeliveryGroupId, returnOrderId, now, cancellationToken);

            var returnOrder = SubmitReturnOrder(order, plan, returnLines, ids, now, returnOrderId, outbox, audit, actor);
            db.ReturnOrders.Add(returnOrder);

            var number = await orderNumbers.NextAsync(db, cancellationToken);
            var exchange = Order.Capture(plan.ExchangeOrder with { CapturedBy = http.User.KeyId() }, number, order.CustomerId, ids, now);
            await ReserveAsync(db, ledger, ids, exchange, sellsFrom, now, cancellationToken);
            db.Orders.Add(exchange);
            var exchangeResponse = OrderResponse.From(exchange, customer);
            OrderStore.RecordEvents(exchange, exchangeResponse, outbox, audit, actor);

            var summary = new
            {
                originalOrderId = order.Id, returnOrderId, exchangeOrderId = exchange.Id, plan.ReturnedValue, plan.NewValue, plan.Credit, plan.Owed, plan.Refunded,
                returnLines = returnLines.Select(l => new { l.LineId, l.Quantity, l.Reason }),
                newLines = exchange.ProductLines.Select(l => new { l.Sku, l.QuantityOrdered, l.UnitPrice, l.TaxAmount }),
            };
            audit.Record("order", order.Id, "exchange", actor, null, null, plan.Change.Reason, summary);
            audit.Record("order", exchange.Id, "exchange", actor, null, null, plan.Change.Reason, summary);

            var body = answer.With(ReturnOrderResponse.From(returnOrder), exchangeResponse);
            await commit.SaveAsync(201, body, PathOf(exchange.Id), cancellationToken);
            http.Response.Headers.ETag = $"\"{order.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Created(PathOf(response.ExchangeOrder.Id), response);
    }

    private static string PathOf(string orderId) => $"/api/v1/orders/{orderId}";

    /// <summary>The plan and the change part of the answer, computed alike by the preview and the submit (before the return order announces anything).</summary>
    private static async Task<(ChangeResponse Answer, ExchangePlan Plan)> AnswerAsync(WaybillDb db, IIdGenerator ids, Order order,
        List<ReturnRequestLine> returnLines, List<ExchangeRequestLine> newLines, string? deliveryGroupId, string returnOrderId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var plan = Exchange.Plan(order, ids.NewId(), $"{order.OrderNumber}/{returnOrderId}", returnLines, newLines, deliveryGroupId, now);
        var billed = await ChangeInputs.BilledChargesAsync(db, order.Id, cancellationToken);
        var paid = await InvoiceRecords.PaidLessCreditedAsync(db, order.Id, cancellationToken);
        // The memo the return's receipt will make when every unit comes back: shown, not created (ids null).
        var billing = ChangeBilling.Of(ids, order, plan.Change, billed, now);
        return (ChangeResponse.Of(order, plan.Change, order.TotalsAfter(plan.Change), paid, billing, saved: false), plan);
    }

    /// <summary>The return order of the returned units, submitted (units announced) and approved at once, with the exchange fee.</summary>
    private static ReturnOrder SubmitReturnOrder(Order order, ExchangePlan plan, List<ReturnRequestLine> returnLines, IIdGenerator ids, DateTimeOffset now,
        string? id = null, EventOutbox? outbox = null, AuditTrail? audit = null, string? actor = null)
    {
        var returnOrder = ReturnOrder.Submit(id ?? ids.NewId(), order, returnLines, reduceShipping: false, plan.Fees, ids.NewId, now);
        if (outbox is not null && audit is not null)
            ReturnOrderRecords.Record(returnOrder, "submit", null, outbox, audit, actor ?? "system",
                new { returnOrder.OrderId, lines = returnOrder.Lines.Select(l => new { l.OrderLineId, l.QuantityExpected, l.Reason }), fees = plan.Fees, exchange = true });
        returnOrder.Approve(now);
        if (outbox is not null && audit is not null) ReturnOrderRecords.Record(returnOrder, "approve", ReturnOrderStatus.Submitted, outbox, audit, actor ?? "system");
        return returnOrder;
    }

    /// <summary>Holds the exchange order's stock as a capture does: at the exchange channel's group, what is there; the rest is left for routing.</summary>
    private static async Task ReserveAsync(WaybillDb db, StockLedger ledger, IIdGenerator ids, Order exchange, string sellsFrom, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var held = await ledger.ReserveAvailableAsync(exchange.StockToReserve(sellsFrom), cancellationToken);
        string? reservationId = null;
        if (held.Count > 0)
        {
            var reservation = Reservation.Open(ids.NewId(), $"order:{exchange.Id}", held, null, exchange.Id, now);
            db.Reservations.Add(reservation);
            reservationId = reservation.Id;
        }
        exchange.RecordReservation(reservationId, sellsFrom, held);
    }

    /// <summary>
    /// The request's shape (field errors named after it), and that every new SKU is one Waybill stocks somewhere: unlike a
    /// channel's capture, an exchange is typed by an agent, and a mistyped SKU would make an order no location can ship.
    /// </summary>
    private static async Task<(List<ReturnRequestLine> ReturnLines, List<ExchangeRequestLine> NewLines)> ParseAsync(Request request, WaybillDb db,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var returnLines = ChangeInputs.ParseLines(request.ReturnLines, "return", errors, field: "returnLines");
        var newLines = ChangeInputs.EachLine(request.NewLines, "newLines", "Name at least one line to send out.", Exchange.MaxNewLines,
            $"At most {Exchange.MaxNewLines} new lines an exchange.", errors, (line, path) =>
            {
                if (string.IsNullOrWhiteSpace(line.Sku)) errors.Add($"{path}.sku", "sku is required.");
                if (line.Quantity is null) errors.Add($"{path}.quantity", "quantity is required.");
                return new ExchangeRequestLine(line.Sku?.Trim() ?? "", line.Quantity ?? 0, line.UnitPrice);
            });
        if (request.DeliveryGroupId is { Length: 0 }) errors.Add("deliveryGroupId", "deliveryGroupId names one of the order's delivery groups.");
        errors.ThrowIfAny();

        var skus = newLines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToList();
        var known = await db.StockLevels.AsNoTracking().Where(s => skus.Contains(s.Sku)).Select(s => s.Sku).Distinct().ToListAsync(cancellationToken);
        for (var i = 0; i < newLines.Count; i++)
        {
            if (!known.Contains(newLines[i].Sku, StringComparer.Ordinal))
                errors.Add($"newLines[{i}].sku", $"Waybill stocks no SKU '{newLines[i].Sku}' at any location.");
        }
        errors.ThrowIfAny();
        return ([.. returnLines.Select(l => new ReturnRequestLine(l.LineId!, l.Quantity!.Value, l.Reason))], newLines);
    }
}

/// <summary>
/// An exchange's answer (api.md "Changes"): the change answer of what the return will do once received whole — its change
/// order (type <c>exchange</c>, id null: each receipt saves its own), the original order's totals before and after, what it
/// will refund and the credit memo it will make (id null) — plus the return order and the exchange order.
/// </summary>
public sealed record ExchangeResponse(ChangeOrderResponse ChangeOrder, TotalsResponse TotalsBefore, TotalsResponse TotalsAfter, decimal RefundableAmount,
    Payments.CreditMemos.CreditMemoResponse? CreditMemo, InvoiceResponse? Invoice, ReturnOrderResponse ReturnOrder, OrderResponse ExchangeOrder);

internal static class ExchangeAnswer
{
    public static ExchangeResponse With(this ChangeResponse change, ReturnOrderResponse returnOrder, OrderResponse exchangeOrder) => new(
        change.ChangeOrder, change.TotalsBefore, change.TotalsAfter, change.RefundableAmount, change.CreditMemo, change.Invoice, returnOrder, exchangeOrder);
}
