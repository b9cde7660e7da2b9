namespace Waybill.Domain.Common;

/// <summary>An amount in one currency. Refuses to mix currencies; never a binary floating point.</summary>
public readonly record struct Money
{
    public Money(decimal amount, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (!currency.Allows(amount))
            throw new ArgumentException($"{amount} has more than {currency.MinorUnits} decimals for {currency.Code}.", nameof(amount));
        Amount = amount;
        Currency = currency;
    }

    public decimal Amount { get; }
    public Currency Currency { get; }

    public static Money Zero(Currency currency) => new(0m, currency);
    public static Money FromMinor(long minor, Currency currency) => new(currency.FromMinor(minor), currency);

    public long Minor => Currency.ToMinor(Amount);
    public bool IsZero => Amount == 0m;
    public bool IsNegative => Amount < 0m;

    public static Money operator +(Money left, Money right) => new(left.Amount + right.Amount, SameCurrency(left, right));
    public static Money operator -(Money left, Money right) => new(left.Amount - right.Amount, SameCurrency(left, right));
    public static Money operator -(Money value) => new(-value.Amount, value.Currency);
    public static bool operator <(Money left, Money right) => left.Amount < right.Amount && SameCurrency(left, right) is not null;
    public static bool operator >(Money left, Money right) => left.Amount > right.Amount && SameCurrency(left, right) is not null;
    public static bool operator <=(Money left, Money right) => left.Amount <= right.Amount && SameCurrency(left, right) is not null;
    public static bool operator >=(Money left, Money right) => left.Amount >= right.Amount && SameCurrency(left, right) is not null;

    public Money Add(Money other) => this + other;
    public Money Subtract(Money other) => this - other;
    public Money Negate() => -this;

    public static Money Sum(IEnumerable<Money> values, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(values);
        var total = Zero(currency);
        foreach (var value in values) total += value;
        return total;
    }

    public override string ToString() => $"{Amount.ToString("F" + Currency.MinorUnits, System.Globalization.CultureInfo.InvariantCulture)} {Currency.Code}";

    private static Currency SameCurrency(Money left, Money right)
    {
        if (!Equals(left.Currency, right.Currency))
            throw new CurrencyMismatchException(left.Currency, right.Currency);
        return left.Currency;
    }
}

public sealed class CurrencyMismatchException(Currency left, Currency right)
    : InvalidOperationException($"Cannot combine {left.Code} and {right.Code} amounts.");
