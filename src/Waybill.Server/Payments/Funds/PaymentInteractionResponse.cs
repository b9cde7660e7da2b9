using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Server.Orders;

namespace Waybill.Server.Payments.Funds;

/// <summary>One gateway interaction as <c>GET /orders/{id}/payments</c> lists it (api.md).</summary>
public sealed record PaymentInteractionResponse(
    string Id, string? PaymentId, string Gateway, PaymentInteractionType Type, decimal Amount, PaymentInteractionResult Result,
    string? GatewayReference, string? Message, string? Code, string? InvoiceId, string? CreditMemoId, DateTimeOffset RequestedAt, DateTimeOffset At)
{
    public static PaymentInteractionResponse From(PaymentInteraction i, Currency currency) => new(
        i.Id, i.PaymentId, i.Gateway, i.Type, currency.Normalize(i.Amount), i.Result, i.GatewayReference, i.Message, i.Code,
        i.InvoiceId, i.CreditMemoId, i.RequestedAt, i.At);
}

/// <summary>The data of <c>payment.captured</c>, <c>payment.failed</c> and <c>payment.refunded</c>: the call and the payment after it.</summary>
public sealed record PaymentEventData(string OrderId, string? InvoiceId, string? CreditMemoId, PaymentInteractionResponse Interaction, PaymentResponse? Payment)
{
    public static PaymentEventData From(Order order, PaymentInteraction interaction)
    {
        var currency = order.Currency;
        var payment = order.Payments.FirstOrDefault(p => p.Id == interaction.PaymentId);
        return new PaymentEventData(order.Id, interaction.InvoiceId, interaction.CreditMemoId, PaymentInteractionResponse.From(interaction, currency),
            payment is null ? null : PaymentResponse.From(payment, currency.Normalize));
    }
}
