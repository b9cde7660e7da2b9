using Waybill.Domain.Common;
using Waybill.Domain.Customers;
using Waybill.Domain.Orders;

namespace Waybill.Server.Orders;

/// <summary>The order as the API returns it (api.md "Orders"), and as events carry it.</summary>
public sealed record OrderResponse(
    string Id,
    string OrderNumber,
    string Channel,
    string ExternalReference,
    OrderStatus Status,
    PaymentStatus PaymentStatus,
    int Version,
    string Currency,
    Taxation Taxation,
    DateTimeOffset OrderedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    CustomerResponse Customer,
    Address? BillingAddress,
    TotalsResponse Totals,
    IReadOnlyList<DeliveryGroupResponse> DeliveryGroups,
    IReadOnlyList<OrderAdjustment> OrderAdjustments,
    IReadOnlyList<PaymentResponse> Payments,
    string? ReservationId,
    int ActiveProcessExceptionCount,
    IReadOnlyList<object> FulfillmentOrders,
    IReadOnlyList<object> Invoices,
    IReadOnlyList<object> CreditMemos,
    IReadOnlyList<object> ReturnOrders,
    IReadOnlyList<object> ChangeOrders,
    string? OriginalOrderId)
{
    /// <param name="activeProcessExceptionCount">The order's open process exceptions, counted by the caller (0 at capture).</param>
    /// <param name="fulfillmentOrders">The order's fulfillment orders, loaded by the caller (none at capture).</param>
    /// <param name="invoices">The order's invoices, loaded by the caller (none before the first shipment).</param>
    /// <param name="changeOrders">The order's change orders, loaded by the caller (none before the first change).</param>
    /// <param name="creditMemos">The order's credit memos, loaded by the caller (none before the first return).</param>
    /// <param name="returnOrders">The order's return orders, loaded by the caller (none before the first shipment).</param>
    public static OrderResponse From(Order order, Customer customer, int activeProcessExceptionCount = 0, IReadOnlyList<object>? fulfillmentOrders = null,
        IReadOnlyList<object>? invoices = null, IReadOnlyList<object>? changeOrders = null, IReadOnlyList<object>? creditMemos = null,
        IReadOnlyList<object>? returnOrders = null) =>
        From(order, CustomerResponse.From(customer), activeProcessExceptionCount, fulfillmentOrders, invoices, changeOrders, creditMemos, returnOrders);

    public static OrderResponse From(Order order, CustomerResponse customer, int activeProcessExceptionCount = 0, IReadOnlyList<object>? fulfillmentOrders = null,
        IReadOnlyList<object>? invoices = null, IReadOnlyList<object>? changeOrders = null, IReadOnlyList<object>? creditMemos = null,
        IReadOnlyList<object>? returnOrders = null)
    {
        // Money goes out with exactly the currency's decimals, however the database handed it back.
        var m = (Func<decimal, decimal>)order.Currency.Normalize;
        return new(
        order.Id,
        order.OrderNumber,
        order.Channel,
        order.ExternalReference,
        order.Status,
        order.PaymentStatus,
        order.Version,
        order.CurrencyCode,
        order.Taxation,
        order.OrderedAt,
        order.CreatedAt,
        order.UpdatedAt,
        customer,
        order.BillingAddress,
        TotalsResponse.From(order.Totals, m),
        [.. order.DeliveryGroups.Select(g => DeliveryGroupResponse.From(g, order.Taxation, m))],
        [.. order.OrderAdjustments.Select(a => a with { Amount = m(a.Amount) })],
        [.. order.Payments.Select(p => PaymentResponse.From(p, m))],
        order.ReservationId,
        activeProcessExceptionCount,
        fulfillmentOrders ?? [], invoices ?? [], creditMemos ?? [], returnOrders ?? [], changeOrders ?? [],
        order.OriginalOrderId);
    }
}

public sealed record CustomerResponse(string Id, string? ExternalId, string Email, string? FirstName, string? LastName, string? Phone)
{
    public static CustomerResponse From(Customer c) => new(c.Id, c.ExternalId, c.Email, c.FirstName, c.LastName, c.Phone);
}

public sealed record TotalsResponse(
    decimal ProductAmount, decimal ProductAdjustmentAmount, decimal ProductTaxAmount,
    decimal DeliveryAmount, decimal DeliveryAdjustmentAmount, decimal DeliveryTaxAmount,
    decimal TotalTaxAmount, decimal FeeAmount, decimal GrandTotalAmount)
{
    public static TotalsResponse From(OrderTotals t, Func<decimal, decimal> m) => new(
        m(t.ProductAmount), m(t.ProductAdjustmentAmount), m(t.ProductTaxAmount),
        m(t.DeliveryAmount), m(t.DeliveryAdjustmentAmount), m(t.DeliveryTaxAmount),
        m(t.TotalTaxAmount), m(t.FeeAmount), m(t.GrandTotalAmount));
}

public sealed record DeliveryGroupResponse(string Id, string Reference, DeliveryMethod DeliveryMethod, Address ShippingAddress, IReadOnlyList<OrderLineResponse> Lines)
{
    public static DeliveryGroupResponse From(DeliveryGroup g, Taxation taxation, Func<decimal, decimal> m) =>
        new(g.Id, g.Reference, g.DeliveryMethod, g.ShippingAddress, [.. g.Lines.Select(l => OrderLineResponse.From(l, taxation, m))]);
}

public sealed record OrderLineResponse(
    string Id, string Reference, OrderLineType Type, string? Sku, string Name, OrderLineStatus Status,
    int QuantityOrdered, int QuantityCanceled, int QuantityAllocated, int QuantityFulfilled,
    int QuantityReturnInitiated, int QuantityReturned, int QuantityReserved,
    int QuantityAvailableToFulfill, int QuantityAvailableToCancel, int QuantityAvailableToReturn,
    decimal UnitPrice, decimal LineAmount, decimal AdjustmentAmount, decimal AdjustedAmount, decimal TaxAmount, decimal TotalAmount,
    IReadOnlyList<LineAdjustment> Adjustments, IReadOnlyList<LineTax> Taxes)
{
    public static OrderLineResponse From(OrderLine l, Taxation taxation, Func<decimal, decimal> m) => new(
        l.Id, l.Reference, l.Type, l.Sku, l.Name, l.Status,
        l.QuantityOrdered, l.QuantityCanceled, l.QuantityAllocated, l.QuantityFulfilled,
        l.QuantityReturnInitiated, l.QuantityReturned, l.QuantityReserved,
        l.QuantityAvailableToFulfill, l.QuantityAvailableToCancel, l.QuantityAvailableToReturn,
        m(l.UnitPrice), m(l.LineAmount), m(l.AdjustmentAmount), m(l.AdjustedAmount), m(l.TaxAmount), m(l.TotalAmount(taxation)),
        [.. l.Adjustments.Select(a => a with { Amount = m(a.Amount) })],
        [.. l.Taxes.Select(t => t with { Amount = m(t.Amount) })]);
}

public sealed record PaymentResponse(
    string Id, string Method, string Gateway, string? GatewayReference,
    decimal AuthorizedAmount, decimal CapturedAmount, decimal RefundedAmount, decimal AvailableToCapture, decimal AvailableToRefund,
    DateTimeOffset? AuthorizationExpiresAt, decimal ReversedAmount)
{
    public static PaymentResponse From(PaymentSummary p, Func<decimal, decimal> m) => new(
        p.Id, p.Method, p.Gateway, p.GatewayReference, m(p.AuthorizedAmount), m(p.CapturedAmount), m(p.RefundedAmount),
        m(p.AvailableToCapture), m(p.AvailableToRefund), p.AuthorizationExpiresAt, m(p.ReversedAmount));
}
