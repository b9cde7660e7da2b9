using Waybill.Domain.Common;

namespace Waybill.Domain.Tests.Common;

public class MoneyTests
{
    [Theory]
    [InlineData("JPY", 0)]
    [InlineData("USD", 2)]
    [InlineData("EUR", 2)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    public void Currencies_know_their_minor_unit(string code, int minorUnits) =>
        Assert.Equal(minorUnits, Currency.Of(code).MinorUnits);

    [Fact]
    public void Unknown_codes_are_not_currencies()
    {
        Assert.False(Currency.TryFind("XYZ", out _));
        Assert.False(Currency.TryFind("usd", out _));
    }

    [Theory]
    [InlineData("USD", "19.99", true)]
    [InlineData("USD", "19.999", false)]
    [InlineData("JPY", "1200", true)]
    [InlineData("JPY", "1200.5", false)]
    [InlineData("KWD", "1.125", true)]
    [InlineData("KWD", "1.1255", false)]
    public void An_amount_may_not_have_more_decimals_than_the_currency(string code, string amount, bool allowed) =>
        Assert.Equal(allowed, Currency.Of(code).Allows(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Money_refuses_to_mix_currencies()
    {
        var usd = new Money(1m, Currency.Of("USD"));
        var eur = new Money(1m, Currency.Of("EUR"));
        Assert.Throws<CurrencyMismatchException>(() => usd + eur);
        Assert.Equal(new Money(2m, Currency.Of("USD")), usd + usd);
    }

    [Fact]
    public void Rounding_is_half_away_from_zero_to_the_minor_unit()
    {
        Assert.Equal(0.13m, Currency.Of("USD").Round(0.125m));
        Assert.Equal(-0.13m, Currency.Of("USD").Round(-0.125m));
        Assert.Equal(3m, Currency.Of("JPY").Round(2.5m));
    }
}
