namespace Waybill.Domain.Common;

public sealed record Address(
    string Name,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    string Country,
    double? Latitude,
    double? Longitude);
