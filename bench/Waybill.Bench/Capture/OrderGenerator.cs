using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Waybill.Bench.Capture;

/// <summary>
/// Generates realistic web orders, deterministically from a seed so two runs (and the Waybill and raw-SQL
/// sides of one run) see the same mix. All money is decimal and rounded to cents before it is summed, the
/// way a shop computes it: the totals sent equal the sum of the rounded parts.
/// </summary>
public sealed class OrderGenerator
{
    public const int SkuCount = 2_000;
    public const int CustomerCount = 5_000;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] FirstNames =
    [
        "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kira", "Liam", "Maya",
        "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
    ];

    private static readonly string[] LastNames =
    [
        "Silva", "Smith", "Nguyen", "Garcia", "Kowalski", "Okafor", "Muller", "Rossi", "Tanaka", "Haddad", "Kim",
        "Johnson", "Dubois", "Novak", "Patel", "Jensen", "Moreau", "Costa", "Lopez", "Brown", "Ivanova", "Cohen",
    ];

    private static readonly string[] Streets =
    [
        "Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd", "Lake View Blvd", "Hillcrest Ave",
        "Washington St", "Park Pl", "River Rd", "Sunset Blvd",
    ];

    // City, region, postal code, coordinates, sales-tax rate and whether the state taxes shipping.
    private static readonly City[] Cities =
    [
        new("Springfield", "IL", "62701", 39.78m, -89.65m, 0.0625m, false),
        new("Chicago", "IL", "60601", 41.88m, -87.62m, 0.1025m, false),
        new("Los Angeles", "CA", "90012", 34.05m, -118.24m, 0.095m, false),
        new("San Jose", "CA", "95113", 37.34m, -121.89m, 0.0938m, false),
        new("Austin", "TX", "78701", 30.27m, -97.74m, 0.0825m, true),
        new("Houston", "TX", "77002", 29.76m, -95.37m, 0.0825m, true),
        new("New York", "NY", "10001", 40.75m, -73.99m, 0.08875m, true),
        new("Buffalo", "NY", "14202", 42.89m, -78.88m, 0.0875m, true),
        new("Seattle", "WA", "98101", 47.61m, -122.33m, 0.1035m, true),
        new("Miami", "FL", "33130", 25.77m, -80.19m, 0.07m, false),
        new("Atlanta", "GA", "30303", 33.75m, -84.39m, 0.089m, true),
        new("Denver", "CO", "80202", 39.75m, -104.99m, 0.0881m, false),
        new("Boston", "MA", "02108", 42.36m, -71.06m, 0.0625m, false),
        new("Phoenix", "AZ", "85004", 33.45m, -112.07m, 0.086m, false),
        new("Columbus", "OH", "43215", 39.96m, -83.00m, 0.0775m, true),
    ];

    private static readonly string[] Adjectives = ["Classic", "Organic", "Slim", "Heavy", "Vintage", "Eco", "Pro", "Mini"];
    private static readonly string[] Nouns = ["T-shirt", "Mug", "Backpack", "Lamp", "Notebook", "Sneaker", "Scarf", "Bottle", "Cap", "Blanket"];
    private static readonly string[] Colours = ["red", "blue", "black", "white", "green", "grey"];
    private static readonly decimal[] PriceEndings = [0.99m, 0.49m, 0.00m, 0.95m];

    private static readonly DeliveryMethod[] DeliveryMethods =
    [
        new("ground", "ship", 5.99m),
        new("standard", "ship", 9.99m),
        new("express", "ship", 19.99m),
    ];

    private readonly Random random;
    private readonly string referencePrefix;
    private readonly Sku[] skus;
    private readonly Customer[] customers;
    private readonly DateTimeOffset orderedBase;

    /// <param name="seed">Seed for the whole mix; the same seed gives the same orders.</param>
    /// <param name="referencePrefix">Start of every externalReference, e.g. <c>W-k3x9q-</c>; unique per bench invocation.</param>
    public OrderGenerator(int seed, string referencePrefix)
    {
        random = new Random(seed);
        this.referencePrefix = referencePrefix;
        skus = Enumerable.Range(1, SkuCount).Select(NewSku).ToArray();
        customers = Enumerable.Range(1, CustomerCount).Select(NewCustomer).ToArray();
        orderedBase = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
    }

    /// <summary>Generates <paramref name="count"/> distinct order templates.</summary>
    public static GeneratedOrder[] Generate(int count, int seed, string referencePrefix)
    {
        var generator = new OrderGenerator(seed, referencePrefix);
        var orders = new GeneratedOrder[count];
        for (var i = 0; i < orders.Length; i++)
        {
            orders[i] = generator.Next();
        }

        return orders;
    }

    /// <summary>Rounds to cents (half away from zero) and forces two decimals, so JSON shows 5.00 rather than 5.</summary>
    public static decimal Money(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero) + 0.00m;

    public GeneratedOrder Next()
    {
        var customer = customers[random.Next(customers.Length)];
        var shipping = customer.Address;
        var city = customer.City;

        // Line count skews small like real baskets: 1 (35%), 2 (30%), 3 (20%), 4 (10%), 5 (5%).
        var roll = random.Next(100);
        var lineCount = roll < 35 ? 1 : roll < 65 ? 2 : roll < 85 ? 3 : roll < 95 ? 4 : 5;
        var chosen = new HashSet<int>();
        while (chosen.Count < lineCount)
        {
            chosen.Add(random.Next(skus.Length));
        }

        var lines = new List<LineRequest>(lineCount);
        var lineFigures = new List<LineFigures>(lineCount);
        var position = 0;
        foreach (var skuIndex in chosen)
        {
            position++;
            var sku = skus[skuIndex];
            var quantity = random.Next(1, 4);
            var lineAmount = Money(sku.UnitPrice * quantity);

            var adjustments = new List<AdjustmentRequest>();
            if (random.Next(100) < 25)
            {
                // Percentage promotions of at most 20% keep the adjusted amount positive.
                var percent = new[] { 10, 15, 20 }[random.Next(3)];
                var amount = -Money(lineAmount * percent / 100m);
                adjustments.Add(new AdjustmentRequest($"promo-{percent}", $"{percent}% off", amount));
            }

            var adjustmentAmount = Money(adjustments.Sum(a => a.Amount));
            var adjusted = lineAmount + adjustmentAmount;

            // The tax rate is below 1, so the rounded tax never exceeds the adjusted amount it is charged on.
            var tax = Money(adjusted * city.TaxRate);
            var taxes = new[] { new TaxRequest($"{city.Region} sales tax", city.TaxRate, tax) };

            lines.Add(new LineRequest($"l{position}", sku.Code, sku.Name, quantity, sku.UnitPrice, adjustments, taxes));
            lineFigures.Add(new LineFigures(lineAmount, adjustmentAmount, adjusted, tax, adjusted + tax));
        }

        var method = DeliveryMethods[random.Next(DeliveryMethods.Length)];
        var deliveryTax = city.TaxesShipping ? Money(method.Price * city.TaxRate) : 0.00m;
        var deliveryFigures = new LineFigures(method.Price, 0.00m, method.Price, deliveryTax, method.Price + deliveryTax);

        var merchandise = lineFigures.Sum(l => l.AdjustedAmount);
        var orderAdjustments = new List<AdjustmentRequest>();
        if (merchandise >= 25.00m && random.Next(100) < 15)
        {
            orderAdjustments.Add(new AdjustmentRequest("WELCOME5", "$5 off order", -5.00m));
        }

        var subtotal = lineFigures.Sum(l => l.LineAmount);
        var lineAdjustmentTotal = lineFigures.Sum(l => l.AdjustmentAmount);
        var orderAdjustmentTotal = Money(orderAdjustments.Sum(a => a.Amount));
        var taxTotal = lineFigures.Sum(l => l.TaxAmount) + deliveryTax;
        var grandTotal = subtotal + lineAdjustmentTotal + orderAdjustmentTotal + method.Price + taxTotal;

        var billing = random.Next(100) < 85
            ? shipping with { Latitude = null, Longitude = null }
            : NewAddress(customer.FullName, Cities[random.Next(Cities.Length)], withCoordinates: false);

        var orderedAt = orderedBase.AddSeconds(-random.Next(86_400)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var payment = new PaymentRequest("card", "mock", $"auth_{random.NextInt64(1L << 47):x12}", grandTotal, 0.00m);

        var request = new OrderRequest(
            Channel: "web",
            ExternalReference: referencePrefix + new string('0', GeneratedOrder.SequenceDigits),
            OrderedAt: orderedAt,
            Currency: "USD",
            Taxation: "net",
            Customer: new CustomerRequest(customer.ExternalId, customer.Email, customer.FirstName, customer.LastName, customer.Phone),
            BillingAddress: billing,
            DeliveryGroups:
            [
                new DeliveryGroupRequest(
                    "dg1",
                    new DeliveryMethodRequest(method.Code, method.Type),
                    shipping,
                    new DeliveryChargeRequest(method.Price, deliveryTax, []),
                    lines),
            ],
            OrderAdjustments: orderAdjustments,
            Payments: [payment]);

        var figures = new OrderFigures(
            subtotal,
            lineAdjustmentTotal,
            orderAdjustmentTotal,
            method.Price,
            taxTotal,
            grandTotal,
            grandTotal,
            0.00m,
            [new GroupFigures(deliveryFigures, lineFigures)]);

        var body = JsonSerializer.SerializeToUtf8Bytes(request, JsonOptions);
        return new GeneratedOrder(request, referencePrefix, figures, body);
    }

    private Sku NewSku(int number)
    {
        var name = $"{Adjectives[random.Next(Adjectives.Length)]} {Nouns[random.Next(Nouns.Length)]} {Colours[random.Next(Colours.Length)]}";
        var price = Money(random.Next(2, 250) + PriceEndings[random.Next(PriceEndings.Length)]);
        return new Sku($"SKU-{number:D6}", name, price);
    }

    private Customer NewCustomer(int number)
    {
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        var city = Cities[random.Next(Cities.Length)];
        var email = $"{first}.{last}.{number}@example.com".ToLowerInvariant();
        var phone = $"+1 555 {number % 10_000:D4}";
        return new Customer($"C-{number}", email, first, last, phone, city, NewAddress($"{first} {last}", city, withCoordinates: true));
    }

    private AddressRequest NewAddress(string name, City city, bool withCoordinates)
    {
        var line1 = $"{random.Next(1, 9_999)} {Streets[random.Next(Streets.Length)]}";
        var line2 = random.Next(100) < 20 ? $"Apt {random.Next(1, 400)}" : null;
        return withCoordinates
            ? new AddressRequest(name, line1, line2, city.Name, city.Region, city.PostalCode, "US", city.Latitude, city.Longitude)
            : new AddressRequest(name, line1, line2, city.Name, city.Region, city.PostalCode, "US");
    }

    private sealed record City(string Name, string Region, string PostalCode, decimal Latitude, decimal Longitude, decimal TaxRate, bool TaxesShipping);

    private sealed record Sku(string Code, string Name, decimal UnitPrice);

    private sealed record DeliveryMethod(string Code, string Type, decimal Price);

    private sealed record Customer(string ExternalId, string Email, string FirstName, string LastName, string Phone, City City, AddressRequest Address)
    {
        public string FullName => $"{FirstName} {LastName}";
    }
}
