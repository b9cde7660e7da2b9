using System.Globalization;
using System.Text.Json.Nodes;

namespace Waybill.Domain.Automation.Fraud;

/// <summary>
/// The built-in check (domain.md "Flows", default flow 1). Each rule that fires adds its score; the order is held when
/// any rule that holds on its own fires. A billing/shipping country mismatch alone is common (gifts, travel), so it
/// only adds to the score for the person or a merchant's flow to weigh.
/// </summary>
public sealed class RuleBasedFraudCheck : IFraudCheck
{
    public const int HoldingRuleScore = 100;
    public const int CountryMismatchScore = 25;

    public static class Rules
    {
        public const string GrandTotalOverLimit = "grand_total_over_limit";
        public const string TooManyOrdersPerEmail = "too_many_orders_per_email";
        public const string TooManyOrdersPerShippingAddressLine = "too_many_orders_per_shipping_address_line";
        public const string BlockedEmail = "blocked_email";
        public const string BlockedAddressLine = "blocked_address_line";
        public const string CountryMismatch = "country_mismatch";
    }

    public FraudAssessment Assess(FraudInput input, FraudThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(thresholds);
        var reasons = new List<FraudReason>();

        if (input.GrandTotal > thresholds.MaxGrandTotal)
            reasons.Add(Holding(Rules.GrandTotalOverLimit,
                $"The grand total {Amount(input.GrandTotal)} {input.Currency} is over {Amount(thresholds.MaxGrandTotal)}.",
                new JsonObject { ["grandTotal"] = input.GrandTotal, ["currency"] = input.Currency, ["maxGrandTotal"] = thresholds.MaxGrandTotal }));

        if (input.RecentOrdersWithSameEmail > thresholds.MaxOrdersPerEmail)
            reasons.Add(Holding(Rules.TooManyOrdersPerEmail,
                $"{input.RecentOrdersWithSameEmail} orders with the email {input.Email} within {thresholds.WindowMinutes} minutes (more than {thresholds.MaxOrdersPerEmail}).",
                new JsonObject
                {
                    ["email"] = input.Email, ["orders"] = input.RecentOrdersWithSameEmail,
                    ["maxOrders"] = thresholds.MaxOrdersPerEmail, ["windowMinutes"] = thresholds.WindowMinutes,
                }));

        var busiest = input.ShipTos.Where(s => s.AddressLine is not null).MaxBy(s => s.RecentOrdersWithSameAddressLine);
        if (busiest is not null && busiest.RecentOrdersWithSameAddressLine > thresholds.MaxOrdersPerShippingAddressLine)
            reasons.Add(Holding(Rules.TooManyOrdersPerShippingAddressLine,
                $"{busiest.RecentOrdersWithSameAddressLine} orders shipping to '{busiest.AddressLine}' within {thresholds.WindowMinutes} minutes (more than {thresholds.MaxOrdersPerShippingAddressLine}).",
                new JsonObject
                {
                    ["addressLine"] = busiest.AddressLine, ["orders"] = busiest.RecentOrdersWithSameAddressLine,
                    ["maxOrders"] = thresholds.MaxOrdersPerShippingAddressLine, ["windowMinutes"] = thresholds.WindowMinutes,
                }));

        if (input.Email is not null && thresholds.BlockedEmails.Any(blocked => NormalEmail(blocked) == NormalEmail(input.Email)))
            reasons.Add(Holding(Rules.BlockedEmail, $"The email {input.Email} is on the blocklist.",
                new JsonObject { ["email"] = input.Email }));

        var blockedLines = thresholds.BlockedAddressLines.Select(NormalLine).ToHashSet(StringComparer.Ordinal);
        var blockedShipTos = input.ShipTos
            .Where(s => s.AddressLine is not null && blockedLines.Contains(NormalLine(s.AddressLine)))
            .Select(s => s.AddressLine!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (blockedShipTos.Count > 0)
            reasons.Add(Holding(Rules.BlockedAddressLine,
                $"The shipping address {string.Join(", ", blockedShipTos.Select(l => $"'{l}'"))} is on the blocklist.",
                new JsonObject { ["addressLines"] = new JsonArray(blockedShipTos.Select(l => (JsonNode)JsonValue.Create(l)).ToArray()) }));

        var foreign = input.BillingCountry is null
            ? []
            : input.ShipTos
                .Where(s => s.Country is not null && !string.Equals(s.Country.Trim(), input.BillingCountry.Trim(), StringComparison.OrdinalIgnoreCase))
                .Select(s => s.Country!.Trim().ToUpperInvariant())
                .Distinct(StringComparer.Ordinal)
                .ToList();
        if (foreign.Count > 0)
            reasons.Add(new FraudReason(Rules.CountryMismatch, CountryMismatchScore, HoldsOnItsOwn: false,
                $"The billing country {input.BillingCountry} differs from the shipping country {string.Join(", ", foreign)}.",
                new JsonObject
                {
                    ["billingCountry"] = input.BillingCountry,
                    ["shippingCountries"] = new JsonArray(foreign.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
                }));

        var decision = reasons.Any(r => r.HoldsOnItsOwn) ? FraudDecision.Hold : FraudDecision.Approve;
        return new FraudAssessment(reasons.Sum(r => r.Score), decision, reasons);
    }

    private static FraudReason Holding(string rule, string message, JsonObject figures) =>
        new(rule, HoldingRuleScore, HoldsOnItsOwn: true, message, figures);

    private static string Amount(decimal amount) => amount.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static string NormalEmail(string email) => email.Trim().ToLowerInvariant();

    private static string NormalLine(string line) =>
        string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
