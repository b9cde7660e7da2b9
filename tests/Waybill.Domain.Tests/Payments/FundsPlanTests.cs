using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Payments;

namespace Waybill.Domain.Tests.Payments;

public class FundsPlanTests
{
    [Fact]
    public void An_exact_match_is_taken_before_the_largest()
    {
        var draws = FundsPlan.Cover(30m, [new("a", 100m), new("b", 30m), new("c", 50m)]);
        Assert.Equal([new PaymentDraw("b", 30m)], draws);
    }

    [Fact]
    public void Without_an_exact_match_the_largest_goes_first_then_the_rest_is_matched_again()
    {
        // 70: no exact match → the largest (50); 20 left → exact match "c".
        var draws = FundsPlan.Cover(70m, [new("a", 50m), new("b", 5m), new("c", 20m)]);
        Assert.Equal([new PaymentDraw("a", 50m), new PaymentDraw("c", 20m)], draws);
    }

    [Fact]
    public void What_cannot_be_covered_is_left_short()
    {
        var draws = FundsPlan.Cover(100m, [new("a", 30m), new("b", 0m), new("c", 40m)]);
        Assert.Equal([new PaymentDraw("c", 40m), new PaymentDraw("a", 30m)], draws);
    }

    [Property(MaxTest = 2000)]
    public Property Draws_cover_as_much_as_possible_and_never_take_more_than_a_payment_has() =>
        Prop.ForAll(Gen.Choose(0, 100_000).ToArbitrary(), Gen.ListOf(Gen.Choose(0, 50_000)).ToArbitrary(), (amountCents, availableCents) =>
        {
            var amount = amountCents / 100m;
            var payments = availableCents.Select((c, i) => new PaymentAvailability($"p{i}", c / 100m)).ToList();
            var draws = FundsPlan.Cover(amount, payments);
            var byId = payments.ToDictionary(p => p.PaymentId);
            var total = draws.Sum(d => d.Amount);
            return (draws.All(d => d.Amount > 0 && d.Amount <= byId[d.PaymentId].Available)
                    && draws.Select(d => d.PaymentId).Distinct().Count() == draws.Count
                    && total == Math.Min(amount, payments.Sum(p => p.Available)))
                .Label($"drew {total} for {amount}");
        });
}
