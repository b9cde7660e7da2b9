using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Automation.Fraud;
using Waybill.Domain.Common;

namespace Waybill.Domain.Tests.Automation;

public class RuleBasedFraudCheckTests
{
    private static readonly RuleBasedFraudCheck Check = new();
    private static readonly FraudThresholds Defaults = FraudThresholds.Default;

    private static FraudInput Order(decimal grandTotal = 53.29m, string email = "ana@example.com", int sameEmail = 1,
        string billing = "US", string shipCountry = "US", string line = "1 Main St", int sameLine = 1) => new()
    {
        GrandTotal = grandTotal, Currency = "USD", Email = email, RecentOrdersWithSameEmail = sameEmail,
        BillingCountry = billing, ShipTos = [new FraudShipTo(shipCountry, line, sameLine)],
    };

    [Fact]
    public void An_ordinary_order_is_approved_with_no_reasons()
    {
        var assessment = Check.Assess(Order(), Defaults);
        Assert.Equal((0, FraudDecision.Approve), (assessment.Score, assessment.Decision));
        Assert.Empty(assessment.Reasons);
    }

    [Fact]
    public void A_grand_total_over_10000_holds_and_exactly_10000_does_not()
    {
        Assert.Equal(FraudDecision.Approve, Check.Assess(Order(10_000m), Defaults).Decision);
        var held = Check.Assess(Order(10_000.01m), Defaults);
        Assert.Equal(FraudDecision.Hold, held.Decision);
        var reason = Assert.Single(held.Reasons);
        Assert.Equal(RuleBasedFraudCheck.Rules.GrandTotalOverLimit, reason.Rule);
        Assert.Equal("The grand total 10,000.01 USD is over 10,000.", reason.Message);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "grandTotal": 10000.01, "currency": "USD", "maxGrandTotal": 10000 }"""), reason.Figures));
    }

    [Fact]
    public void More_than_5_orders_per_email_or_address_line_within_the_window_hold()
    {
        Assert.Equal(FraudDecision.Approve, Check.Assess(Order(sameEmail: 5, sameLine: 5), Defaults).Decision);
        var email = Check.Assess(Order(sameEmail: 6), Defaults);
        Assert.Equal(RuleBasedFraudCheck.Rules.TooManyOrdersPerEmail, Assert.Single(email.Reasons).Rule);
        Assert.Equal("6 orders with the email ana@example.com within 10 minutes (more than 5).", email.Reasons[0].Message);
        var line = Check.Assess(Order(sameLine: 6), Defaults);
        Assert.Equal(RuleBasedFraudCheck.Rules.TooManyOrdersPerShippingAddressLine, Assert.Single(line.Reasons).Rule);
        Assert.Equal(FraudDecision.Hold, line.Decision);
    }

    [Fact]
    public void Blocklists_hold_ignoring_case_and_spacing()
    {
        var thresholds = Defaults with { BlockedEmails = [" ANA@Example.com "], BlockedAddressLines = ["1   main st"] };
        var held = Check.Assess(Order(), thresholds);
        Assert.Equal(FraudDecision.Hold, held.Decision);
        Assert.Equal([RuleBasedFraudCheck.Rules.BlockedEmail, RuleBasedFraudCheck.Rules.BlockedAddressLine], held.Reasons.Select(r => r.Rule));
        Assert.Equal(200, held.Score);
    }

    [Fact]
    public void A_country_mismatch_adds_to_the_score_but_does_not_hold_on_its_own()
    {
        var assessment = Check.Assess(Order(billing: "US", shipCountry: "ca"), Defaults);
        Assert.Equal((RuleBasedFraudCheck.CountryMismatchScore, FraudDecision.Approve), (assessment.Score, assessment.Decision));
        Assert.Equal("The billing country US differs from the shipping country CA.", Assert.Single(assessment.Reasons).Message);
    }

    [Fact]
    public void The_assessment_as_a_step_output_is_what_the_default_flow_reads()
    {
        var output = Check.Assess(Order(20_000m, shipCountry: "CA"), Defaults).ToJson();
        Assert.Equal("hold", output["decision"]!.GetValue<string>());
        Assert.Equal(125, output["score"]!.GetValue<int>());
        Assert.Equal(2, output["reasons"]!.AsArray().Count);
        Assert.Equal("grand_total_over_limit", output["reasons"]![0]!["rule"]!.GetValue<string>());
        Assert.StartsWith("The grand total 20,000 USD is over 10,000.; The billing country", output["summary"]!.GetValue<string>());
    }

    [Fact]
    public void Thresholds_come_from_the_step_input_with_defaults_for_what_is_left_out()
    {
        var thresholds = FraudThresholds.FromStepInput(JsonNode.Parse("""
            { "orderId": "ord_1", "maxGrandTotal": 500.5, "maxOrdersPerEmail": 2, "blockedEmails": ["x@example.com"] }
            """)!.AsObject());
        Assert.Equal(500.5m, thresholds.MaxGrandTotal);
        Assert.Equal(2, thresholds.MaxOrdersPerEmail);
        Assert.Equal(5, thresholds.MaxOrdersPerShippingAddressLine);
        Assert.Equal(10, thresholds.WindowMinutes);
        Assert.Equal(["x@example.com"], thresholds.BlockedEmails);
        Assert.Empty(thresholds.BlockedAddressLines);
        Assert.Equal(FraudThresholds.Default, FraudThresholds.FromStepInput([]) with { BlockedEmails = FraudThresholds.Default.BlockedEmails, BlockedAddressLines = FraudThresholds.Default.BlockedAddressLines });
    }

    [Fact]
    public void Bad_thresholds_are_reported_per_field()
    {
        var error = Assert.Throws<DomainValidationException>(() => FraudThresholds.FromStepInput(JsonNode.Parse("""
            { "maxGrandTotal": "lots", "maxOrdersPerEmail": 2.5, "windowMinutes": 0, "blockedAddressLines": [1] }
            """)!.AsObject()));
        Assert.Equal(["input.blockedAddressLines", "input.maxGrandTotal", "input.maxOrdersPerEmail", "input.windowMinutes"], error.Errors.Keys.Order());
    }

    [Property(MaxTest = 1000)]
    public Property A_country_mismatch_alone_never_holds() =>
        Prop.ForAll(Orders(), Thresholds(), (order, thresholds) =>
        {
            var assessment = Check.Assess(order, thresholds);
            return assessment.Reasons.All(r => r.Rule == RuleBasedFraudCheck.Rules.CountryMismatch) == (assessment.Decision == FraudDecision.Approve);
        });

    [Property(MaxTest = 1000)]
    public Property Any_blocklisted_email_always_holds() =>
        Prop.ForAll(Orders(), Thresholds(), (order, thresholds) =>
        {
            var blocked = thresholds with { BlockedEmails = [.. thresholds.BlockedEmails, order.Email!.ToUpperInvariant()] };
            var assessment = Check.Assess(order, blocked);
            return assessment.Decision == FraudDecision.Hold
                && assessment.Reasons.Any(r => r.Rule == RuleBasedFraudCheck.Rules.BlockedEmail);
        });

    [Property(MaxTest = 1000)]
    public Property The_decision_and_score_are_monotonic_in_the_amount() =>
        Prop.ForAll(Orders(), Thresholds(), Gen.Choose(0, 5_000_000).ToArbitrary(), (order, thresholds, extraCents) =>
        {
            var lower = Check.Assess(order, thresholds);
            var higher = Check.Assess(order with { GrandTotal = order.GrandTotal + extraCents / 100m }, thresholds);
            return higher.Score >= lower.Score && (lower.Decision == FraudDecision.Approve || higher.Decision == FraudDecision.Hold);
        });

    [Property(MaxTest = 1000)]
    public Property The_score_is_the_sum_of_the_reasons_and_holds_exactly_when_a_holding_rule_fired() =>
        Prop.ForAll(Orders(), Thresholds(), (order, thresholds) =>
        {
            var assessment = Check.Assess(order, thresholds);
            return assessment.Score == assessment.Reasons.Sum(r => r.Score)
                && (assessment.Decision == FraudDecision.Hold) == assessment.Reasons.Any(r => r.HoldsOnItsOwn);
        });

    private static Arbitrary<FraudInput> Orders() =>
        (from cents in Gen.Choose(0, 3_000_000)
         from email in Gen.Elements("ana@example.com", "bo@example.com", "Cy@Example.com")
         from sameEmail in Gen.Choose(1, 9)
         from billing in Gen.Elements("US", "CA", "DE")
         from shipTos in Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(
             from country in Gen.Elements("US", "CA", "DE", "us")
             from line in Gen.Elements("1 Main St", "2 High St", "9 Elm Rd")
             from same in Gen.Choose(1, 9)
             select new FraudShipTo(country, line, same), n))
         select new FraudInput
         {
             GrandTotal = cents / 100m, Currency = "USD", Email = email, RecentOrdersWithSameEmail = sameEmail,
             BillingCountry = billing, ShipTos = shipTos.ToList(),
         }).ToArbitrary();

    private static Arbitrary<FraudThresholds> Thresholds() =>
        (from max in Gen.Choose(0, 20_000)
         from perEmail in Gen.Choose(0, 8)
         from perLine in Gen.Choose(0, 8)
         from blockedEmails in Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(Gen.Elements("bo@example.com", "zed@example.com"), n))
         from blockedLines in Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(Gen.Elements("2 high st", "7 Nowhere Ln"), n))
         select new FraudThresholds
         {
             MaxGrandTotal = max, MaxOrdersPerEmail = perEmail, MaxOrdersPerShippingAddressLine = perLine,
             BlockedEmails = blockedEmails.ToList(), BlockedAddressLines = blockedLines.ToList(),
         }).ToArbitrary();
}
