namespace Waybill.Domain.Automation.Fraud;

/// <summary>
/// What the server gathers about an order for the fraud check: the order's figures and how many recent orders (within
/// <see cref="FraudThresholds.WindowMinutes"/>, this one included) share its email or a shipping address line.
/// </summary>
public sealed record FraudInput
{
    /// <summary>In the order's currency, major units.</summary>
    public required decimal GrandTotal { get; init; }
    public required string Currency { get; init; }
    public string? Email { get; init; }
    public string? BillingCountry { get; init; }

    /// <summary>Orders with the same email within the window, this one included.</summary>
    public int RecentOrdersWithSameEmail { get; init; }

    /// <summary>One per delivery group that ships (pickup and digital groups have no address and are left out).</summary>
    public IReadOnlyList<FraudShipTo> ShipTos { get; init; } = [];
}

/// <summary>A shipping address as the check sees it: its country, its first address line, and the orders sharing that line.</summary>
public sealed record FraudShipTo(string? Country, string? AddressLine, int RecentOrdersWithSameAddressLine = 1);
