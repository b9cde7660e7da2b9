using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.OrderPayments;

/// <summary>
/// <c>POST /api/v1/orders/{id}/payments</c> <c>{ "method", "gateway", "gatewayReference", "authorizedAmount",
/// "capturedAmount"?, "authorizationExpiresAt"? }</c> → 201 with the new payment summary: a further authorization (the
/// customer paid the rest, a new card after a decline). The gateway must be one Waybill talks to — money will be
/// captured through it.
/// </summary>
public static class AddOrderPayment
{
    public sealed record Request(string? Method, string? Gateway, string? GatewayReference, decimal? AuthorizedAmount, decimal? CapturedAmount,
        DateTimeOffset? AuthorizationExpiresAt);

    public static RouteHandlerBuilder MapAddOrderPayment(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/payments", Handle)
        .RequireAuthorization(PaymentsModule.AddPaymentPolicy)
        .WithName("AddOrderPayment");

    public static async Task<Created<PaymentResponse>> Handle(string id, Request request, OrderOperations operations, RequestCommit commit,
        IEnumerable<IPaymentGateway> gateways, IIdGenerator ids, AuditTrail audit, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var method = Required(request.Method, "method", 40, errors);
        var gateway = Required(request.Gateway, "gateway", 40, errors);
        if (gateway == Domain.Orders.Exchange.Gateway)
            errors.Add("gateway", "The 'exchange' gateway is Waybill's own, for exchange orders' credit; name the gateway that authorized the payment.");
        else if (gateway is not null && !gateways.Any(g => g.Name == gateway))
            errors.Add("gateway", $"Waybill has no payment gateway named '{gateway}': {string.Join(", ", gateways.Select(g => g.Name).Order(StringComparer.Ordinal))}.");
        var reference = Required(request.GatewayReference, "gatewayReference", 200, errors);
        if (request.AuthorizedAmount is null) errors.Add("authorizedAmount", "authorizedAmount is required.");
        else if (request.AuthorizedAmount <= 0) errors.Add("authorizedAmount", "authorizedAmount must be greater than zero.");
        errors.ThrowIfAny();

        var paymentId = ids.NewId();
        PaymentSummary? added = null;
        var draft = new PaymentDraft(method!, gateway!, reference, request.AuthorizedAmount!.Value, request.CapturedAmount ?? 0m,
            request.AuthorizationExpiresAt?.ToUniversalTime());
        // A money change like the others: the order row locked first, so it queues behind a capture being recorded rather than
        // failing on the version the background flows move.
        var (response, version) = await commit.InTransactionAsync(async () =>
        {
            await PaymentSettlement.LockOrderAsync(db, id, cancellationToken);
            var (order, _) = await operations.ActAsync(id, (order, now) => added = order.AddPayment(paymentId, draft, now), http.User.Actor(), cancellationToken,
                order => OrderStore.CheckIfMatch(http.Request, order));
            var body = PaymentResponse.From(added!, order.Currency.Normalize);
            audit.Record("order", order.Id, "add_payment", http.User.Actor(), null, null, null,
                new { paymentId = added!.Id, added.Method, added.Gateway, added.GatewayReference, added.AuthorizedAmount, added.CapturedAmount });
            await commit.SaveAsync(201, body, PathOf(id), cancellationToken);
            return (body, order.Version);
        }, cancellationToken);
        http.Response.Headers.ETag = $"\"{version}\"";
        return TypedResults.Created(PathOf(id), response);
    }

    private static string PathOf(string orderId) => $"/api/v1/orders/{orderId}/payments";

    private static string? Required(string? value, string field, int max, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{field} is required.");
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > max) errors.Add(field, $"{field} is at most {max} characters.");
        return trimmed;
    }
}
