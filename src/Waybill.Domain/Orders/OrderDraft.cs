using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

// What a channel sent, already shaped (types parsed, required fields present). The money rules that
// depend on the whole order (adjustments larger than lines, proration) are checked by Order.Capture.

public sealed record OrderDraft(
    string Channel,
    string ExternalReference,
    DateTimeOffset OrderedAt,
    Currency Currency,
    Taxation Taxation,
    Address? BillingAddress,
    IReadOnlyList<DeliveryGroupDraft> DeliveryGroups,
    IReadOnlyList<AdjustmentDraft> OrderAdjustments,
    IReadOnlyList<PaymentDraft> Payments)
{
    /// <summary>Who handed the order over (the API key's id): a storefront reads only the orders it captured.</summary>
    public string? CapturedBy { get; init; }

    /// <summary>The order an exchange order replaces units of (decision 0037); null for an order a channel sent.</summary>
    public string? OriginalOrderId { get; init; }
}

public sealed record DeliveryGroupDraft(
    string Reference,
    DeliveryMethod DeliveryMethod,
    Address ShippingAddress,
    DeliveryChargeDraft DeliveryCharge,
    IReadOnlyList<LineDraft> Lines);

public sealed record DeliveryMethod(string Code, DeliveryMethodType Type, string? LocationCode);

public sealed record DeliveryChargeDraft(decimal Amount, decimal TaxAmount, IReadOnlyList<AdjustmentDraft> Adjustments);

public sealed record LineDraft(
    string Reference,
    string Sku,
    string Name,
    int Quantity,
    decimal UnitPrice,
    IReadOnlyList<AdjustmentDraft> Adjustments,
    IReadOnlyList<TaxDraft> Taxes);

public sealed record AdjustmentDraft(string? Reference, string? Description, decimal Amount);

public sealed record TaxDraft(string Name, decimal? Rate, decimal Amount);

public sealed record PaymentDraft(
    string Method,
    string Gateway,
    string? GatewayReference,
    decimal AuthorizedAmount,
    decimal CapturedAmount,
    DateTimeOffset? AuthorizationExpiresAt);
