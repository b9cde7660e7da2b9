namespace Waybill.Bench.Capture;

// The body of POST /api/v1/orders as the bench sends it. These types mirror the HTTP contract, not the
// server's classes: the bench must not reference the server, and a contract drift should show up as
// 4xx responses in the report rather than be hidden by a shared type.
// Money is decimal with exactly two decimals (see OrderGenerator.Money), serialized as JSON numbers.

public sealed record OrderRequest(
    string Channel,
    string ExternalReference,
    string OrderedAt,
    string Currency,
    string Taxation,
    CustomerRequest Customer,
    AddressRequest BillingAddress,
    IReadOnlyList<DeliveryGroupRequest> DeliveryGroups,
    IReadOnlyList<AdjustmentRequest> OrderAdjustments,
    IReadOnlyList<PaymentRequest> Payments);

public sealed record CustomerRequest(string ExternalId, string Email, string FirstName, string LastName, string Phone);

public sealed record AddressRequest(
    string Name,
    string Line1,
    string? Line2,
    string City,
    string Region,
    string PostalCode,
    string Country,
    decimal? Latitude = null,
    decimal? Longitude = null);

public sealed record DeliveryGroupRequest(
    string Reference,
    DeliveryMethodRequest DeliveryMethod,
    AddressRequest ShippingAddress,
    DeliveryChargeRequest DeliveryCharge,
    IReadOnlyList<LineRequest> Lines);

public sealed record DeliveryMethodRequest(string Code, string Type);

public sealed record DeliveryChargeRequest(decimal Amount, decimal TaxAmount, IReadOnlyList<AdjustmentRequest> Adjustments);

public sealed record LineRequest(
    string Reference,
    string Sku,
    string Name,
    int Quantity,
    decimal UnitPrice,
    IReadOnlyList<AdjustmentRequest> Adjustments,
    IReadOnlyList<TaxRequest> Taxes);

public sealed record AdjustmentRequest(string Reference, string Description, decimal Amount);

public sealed record TaxRequest(string Name, decimal Rate, decimal Amount);

public sealed record PaymentRequest(string Method, string Gateway, string GatewayReference, decimal AuthorizedAmount, decimal CapturedAmount);
