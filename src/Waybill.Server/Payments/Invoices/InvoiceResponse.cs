using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;

namespace Waybill.Server.Payments.Invoices;

/// <summary>An invoice as the API shows it (api.md "Payments, invoices, credit memos").</summary>
/// <param name="Id">Null in a change's preview (nothing was saved).</param>
public sealed record InvoiceResponse(
    string? Id,
    string OrderId,
    string? ShipmentId,
    string? ChangeOrderId,
    InvoiceStatus Status,
    string Currency,
    IReadOnlyList<InvoiceLineResponse> Lines,
    decimal TotalAmount,
    decimal PaidAmount,
    decimal Balance,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static InvoiceResponse From(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var currency = Domain.Common.Currency.Of(invoice.CurrencyCode);
        decimal M(decimal amount) => currency.Normalize(amount);
        return new InvoiceResponse(
            invoice.Id, invoice.OrderId, invoice.ShipmentId, invoice.ChangeOrderId, invoice.Status, invoice.CurrencyCode,
            [.. invoice.Lines.Select(l => new InvoiceLineResponse(l.OrderLineId, l.Type, l.Quantity, M(l.Amount), M(l.AdjustmentAmount), M(l.TaxAmount), M(l.TotalAmount)))],
            M(invoice.TotalAmount), M(invoice.PaidAmount), M(invoice.Balance), invoice.Version, invoice.CreatedAt, invoice.UpdatedAt);
    }
}

/// <param name="OrderLineId">Null for a fee (a change's invoice).</param>
public sealed record InvoiceLineResponse(string? OrderLineId, OrderLineType Type, int Quantity, decimal Amount, decimal AdjustmentAmount, decimal TaxAmount, decimal TotalAmount);

public static class InvoicePaths
{
    public static string Of(string id) => $"/api/v1/invoices/{id}";
}
