using System.Collections.Frozen;

namespace Waybill.Domain.Common;

/// <summary>An ISO 4217 currency and the number of decimals of its minor unit (USD 2, JPY 0, KWD 3).</summary>
public sealed record Currency
{
    private Currency(string code, int minorUnits)
    {
        Code = code;
        MinorUnits = minorUnits;
        MinorUnitFactor = Pow10(minorUnits);
    }

    public string Code { get; }
    public int MinorUnits { get; }

    /// <summary>How many minor units make one major unit (100 for USD, 1 for JPY, 1000 for KWD).</summary>
    public decimal MinorUnitFactor { get; }

    public static Currency Of(string code) =>
        TryFind(code, out var currency) ? currency : throw new ArgumentException($"'{code}' is not an ISO 4217 currency code.", nameof(code));

    public static bool TryFind(string? code, out Currency currency)
    {
        currency = null!;
        if (code is null || !Known.TryGetValue(code, out var found)) return false;
        currency = found;
        return true;
    }

    /// <summary>True when the amount has no more decimals than the minor unit allows (19.99 in USD, not 19.999).</summary>
    public bool Allows(decimal amount) => decimal.Round(amount, MinorUnits) == amount;

    public long ToMinor(decimal amount)
    {
        if (!Allows(amount)) throw new ArgumentException($"{amount} has more than {MinorUnits} decimals for {Code}.", nameof(amount));
        return decimal.ToInt64(amount * MinorUnitFactor);
    }

    public decimal FromMinor(long minor) => decimal.Round(minor / MinorUnitFactor, MinorUnits);

    /// <summary>The amount written with exactly the minor unit's decimals (50 → 50.00 in USD), as the API shows money.</summary>
    public decimal Normalize(decimal amount) => decimal.Round(amount, MinorUnits, MidpointRounding.AwayFromZero) + ZeroAtScale;

    private decimal ZeroAtScale => new(0, 0, 0, false, (byte)MinorUnits);

    /// <summary>Rounds a computed amount half away from zero to the minor unit.</summary>
    public decimal Round(decimal amount) => decimal.Round(amount, MinorUnits, MidpointRounding.AwayFromZero);

    public override string ToString() => Code;

    private static decimal Pow10(int n)
    {
        var result = 1m;
        for (var i = 0; i < n; i++) result *= 10;
        return result;
    }

    // Active ISO 4217 codes with their minor units (ISO 4217 list one, 2024 edition).
    private static readonly FrozenDictionary<string, Currency> Known = BuildTable();

    private static FrozenDictionary<string, Currency> BuildTable()
    {
        const string zero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
        const string three = "BHD IQD JOD KWD LYD OMR TND";
        const string four = "CLF UYW";
        const string two =
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW " +
            "CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS " +
            "INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN " +
            "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC " +
            "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UZS VES VED WST XCD XCG YER ZAR ZMW ZWG";
        var table = new Dictionary<string, Currency>(StringComparer.Ordinal);
        foreach (var (codes, units) in new[] { (zero, 0), (two, 2), (three, 3), (four, 4) })
        {
            foreach (var code in codes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                table[code] = new Currency(code, units);
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
