using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Returns;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Orders.Changes;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Returns;

/// <summary>
/// <c>POST /api/v1/orders/{id}/return-orders</c> <c>{ "lines": [{ "lineId", "quantity", "reason"? }], "reduceShipping"?,
/// "fees"?: [{ "type", "amount" }] }</c> → 201, <c>submitted</c>. In one transaction with the order row locked: the return
/// order, and its units announced on the order (return-initiated: no other return can take them), event
/// <c>return_order.created</c> and history. No money moves until units are received.
/// </summary>
public static class SubmitReturnOrder
{
    public const int MaxFees = 20;

    public sealed record FeeInput(string? Type, decimal? Amount);

    public sealed record Request(List<ChangeLineInput?>? Lines, bool? ReduceShipping, List<FeeInput?>? Fees);

    public static RouteHandlerBuilder MapSubmitReturnOrder(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/return-orders", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("SubmitReturnOrder");

    public static async Task<Created<ReturnOrderResponse>> Handle(string id, Request request, WaybillDb db, RequestCommit commit, EventOutbox outbox,
        AuditTrail audit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var (lines, fees) = Parse(request);
        var response = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, id, cancellationToken);
            var (order, _) = await OrderStore.LoadAsync(db, id, cancellationToken);
            OrderStore.CheckIfMatch(http.Request, order);
            var returnOrder = ReturnOrder.Submit(ids.NewId(), order, lines, request.ReduceShipping ?? false, fees, ids.NewId, clock.UtcNow);
            db.ReturnOrders.Add(returnOrder);
            var actor = http.User.Actor();
            var body = ReturnOrderResponse.From(returnOrder);
            ReturnOrderRecords.Record(returnOrder, "submit", null, outbox, audit, actor,
                new { returnOrder.OrderId, lines = returnOrder.Lines.Select(l => new { l.OrderLineId, l.QuantityExpected, l.Reason }), fees });
            await commit.SaveAsync(201, body, ReturnOrderPaths.Of(returnOrder.Id), cancellationToken);
            http.Response.Headers.ETag = $"\"{returnOrder.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Created(ReturnOrderPaths.Of(response.Id), response);
    }

    private static (List<ReturnRequestLine> Lines, List<ReturnFee> Fees) Parse(Request request)
    {
        var errors = new FieldErrors();
        var lines = ChangeInputs.ParseLines(request.Lines, "return", errors);
        var fees = new List<ReturnFee>();
        if (request.Fees is { Count: > MaxFees }) errors.Add("fees", $"At most {MaxFees} fees a return order.");
        else if (request.Fees is not null)
        {
            for (var i = 0; i < request.Fees.Count; i++)
            {
                var fee = request.Fees[i];
                if (fee is null) { errors.Add($"fees[{i}]", "A fee cannot be null."); continue; }
                if (string.IsNullOrWhiteSpace(fee.Type)) errors.Add($"fees[{i}].type", "type names the fee: restocking, return_shipping, …");
                else ChangeInputs.CheckCode(fee.Type, $"fees[{i}].type", errors);
                if (fee.Amount is null) errors.Add($"fees[{i}].amount", "amount is required.");
                fees.Add(new ReturnFee(fee.Type ?? "", fee.Amount ?? 0m));
            }
        }
        errors.ThrowIfAny();
        return ([.. lines.Select(l => new ReturnRequestLine(l.LineId!, l.Quantity!.Value, l.Reason))], fees);
    }
}
