using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Returns;

/// <summary>
/// <c>POST /api/v1/return-orders/{id}/approve</c>: submitted → approved (units may be received from now on); 200 with the
/// return order. Only the return order changes, so its version guards it; another status → 409 <c>invalid_transition</c>.
/// </summary>
public static class ApproveReturnOrder
{
    public static RouteHandlerBuilder MapApproveReturnOrder(this RouteGroupBuilder returnOrders) => returnOrders
        .MapPost("/{id}/approve", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("ApproveReturnOrder");

    public static async Task<Ok<ReturnOrderResponse>> Handle(string id, WaybillDb db, RequestCommit commit, EventOutbox outbox, AuditTrail audit, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        var returnOrder = await ReturnOrderRecords.LoadAsync(db, id, cancellationToken);
        IfMatch.Check(http.Request, returnOrder.Version);
        var previous = returnOrder.Status;
        returnOrder.Approve(clock.UtcNow);
        ReturnOrderRecords.Record(returnOrder, "approve", previous, outbox, audit, http.User.Actor());
        var body = ReturnOrderResponse.From(returnOrder);
        await commit.SaveAsync(200, body, null, cancellationToken);
        http.Response.Headers.ETag = $"\"{returnOrder.Version}\"";
        return TypedResults.Ok(body);
    }
}
