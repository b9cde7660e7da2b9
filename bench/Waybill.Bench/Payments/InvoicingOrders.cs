using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Payments;

/// <summary>
/// Plain orders for the order-to-cash benchmark: 1–3 lines of the SKUs <see cref="RoutingStock"/> stocks, 1–2 units each,
/// a flat delivery charge, no tax and no promotions, and one card payment through the <c>mock</c> gateway
/// (<c>auth_ok_…</c>) authorized for exactly the grand total — so every invoice can be paid by a capture and nothing is
/// left to the unapplied balance. Every order has its own email and street line: flow 1's fraud check holds orders
/// when more than five share either within ten minutes, and a held order would never ship.
/// </summary>
public static class InvoicingOrders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // Cities with coordinates, so routing chooses the nearest of the five warehouses.
    private static readonly (string City, string Region, string PostalCode, decimal Latitude, decimal Longitude)[] Cities =
    [
        ("Chicago", "IL", "60601", 41.88m, -87.62m),
        ("Los Angeles", "CA", "90012", 34.05m, -118.24m),
        ("Austin", "TX", "78701", 30.27m, -97.74m),
        ("New York", "NY", "10001", 40.75m, -73.99m),
        ("Atlanta", "GA", "30303", 33.75m, -84.39m),
        ("Denver", "CO", "80202", 39.75m, -104.99m),
    ];

    private const decimal DeliveryCharge = 5.00m;

    /// <summary>The bodies of <paramref name="count"/> orders; <paramref name="prefix"/> makes references and emails unique per run.</summary>
    public static IReadOnlyList<byte[]> Generate(int count, int seed, string prefix)
    {
        var random = new Random(seed);
        var bodies = new byte[count][];
        var orderedAt = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var lineCount = random.Next(1, 4);
            var skus = new HashSet<int>();
            while (skus.Count < lineCount) skus.Add(random.Next(1, OrderGenerator.SkuCount + 1));
            var lines = skus.Select((sku, n) =>
            {
                var unitPrice = random.Next(5, 120) + 0.99m;
                return new LineRequest($"l{n + 1}", $"SKU-{sku:D6}", $"Item {sku}", random.Next(1, 3), unitPrice, [], []);
            }).ToList();
            var grandTotal = lines.Sum(l => l.UnitPrice * l.Quantity) + DeliveryCharge;

            var city = Cities[random.Next(Cities.Length)];
            var number = i.ToString(CultureInfo.InvariantCulture);
            var address = new AddressRequest("Pat Bench", $"{number} {prefix} Street", null, city.City, city.Region, city.PostalCode, "US", city.Latitude, city.Longitude);
            var request = new OrderRequest(
                Channel: "web",
                ExternalReference: $"{prefix}-{number}",
                OrderedAt: orderedAt,
                Currency: "USD",
                Taxation: "net",
                Customer: new CustomerRequest($"{prefix}-C{number}", $"pat.{prefix}.{number}@example.com", "Pat", "Bench", "+1 555 0100"),
                BillingAddress: address with { Latitude = null, Longitude = null },
                DeliveryGroups: [new DeliveryGroupRequest("dg1", new DeliveryMethodRequest("ground", "ship"), address, new DeliveryChargeRequest(DeliveryCharge, 0.00m, []), lines)],
                OrderAdjustments: [],
                Payments: [new PaymentRequest("card", "mock", $"auth_ok_{prefix}_{number}", grandTotal, 0.00m)]);
            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(request, Json);
        }

        return bodies;
    }
}
