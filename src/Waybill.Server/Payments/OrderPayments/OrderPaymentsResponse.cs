using Waybill.Server.Orders;
using Waybill.Server.Payments.Funds;

namespace Waybill.Server.Payments.OrderPayments;

/// <summary>
/// <c>GET /orders/{id}/payments</c>: the payment summaries, every gateway interaction (newest first), and the order's
/// money position — <c>unappliedAmount</c> is captured money no invoice took yet and nothing refunded.
/// </summary>
public sealed record OrderPaymentsResponse(
    string OrderId,
    Domain.Orders.PaymentStatus PaymentStatus,
    decimal UnappliedAmount,
    IReadOnlyList<PaymentResponse> Summaries,
    IReadOnlyList<PaymentInteractionResponse> Interactions);
