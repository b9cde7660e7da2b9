using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Waybill.Bench.Capture;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Bench.Changes;

/// <summary>
/// The orders the change benchmark cancels from, with realistic money on every line: 2–4 units at a price ending in .99, a
/// 10 % line promotion, two tax lines (state and city, on the promoted amount), and per part an order-level promotion of
/// $25 and one card authorization; one delivery charge with its tax. The same lines are given two ways: as bodies of
/// <c>POST /api/v1/orders</c> (the HTTP contract, <see cref="OrderRequest"/>), and as a domain <see cref="OrderDraft"/>
/// equal to the order Waybill holds once the parts are joined — so the computation timed in process is the one the server
/// runs for the same request.
/// </summary>
public static class ChangeBenchOrders
{
    /// <summary>What <c>POST /api/v1/orders</c> takes at most (CaptureOrder.MaxLines): a larger order is captured in parts of this size and joined.</summary>
    public const int CaptureLimit = 500;

    public const decimal DeliveryCharge = 9.99m;
    public const decimal DeliveryTax = 0.80m;
    public const decimal OrderPromotion = -25.00m;
    private const decimal StateRate = 0.0625m;
    private const decimal CityRate = 0.0175m;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly AddressRequest Address = new("Pat Bench", "1 Bench Street", null, "Springfield", "IL", "62701", "US", 39.78m, -89.65m);

    /// <summary>One product line: everything both forms are built from.</summary>
    public sealed record Line(string Reference, string Sku, int Quantity, decimal UnitPrice, decimal Promotion, decimal StateTax, decimal CityTax);

    /// <summary>An order to capture: its lines, and the bodies of the parts it is captured in (one unless it has more lines than capture takes).</summary>
    public sealed record Planned(string ExternalReference, IReadOnlyList<Line> Lines, IReadOnlyList<byte[]> PartBodies)
    {
        public int Parts => PartBodies.Count;
    }

    public static Planned Plan(int lineCount, Random random, string externalReference)
    {
        var lines = new List<Line>(lineCount);
        for (var i = 0; i < lineCount; i++)
        {
            var quantity = random.Next(2, 5);
            var unitPrice = random.Next(5, 120) + 0.99m;
            var amount = unitPrice * quantity;
            var promotion = -decimal.Round(amount * 0.10m, 2, MidpointRounding.AwayFromZero);
            var taxable = amount + promotion;
            lines.Add(new Line($"l{i + 1:D4}", $"SKU-{random.Next(1, 50_000):D6}", quantity, unitPrice, promotion,
                decimal.Round(taxable * StateRate, 2, MidpointRounding.AwayFromZero), decimal.Round(taxable * CityRate, 2, MidpointRounding.AwayFromZero)));
        }

        var parts = new List<byte[]>();
        for (var start = 0; start < lineCount; start += CaptureLimit)
        {
            var part = lines.Skip(start).Take(CaptureLimit).ToList();
            var first = start == 0;
            var reference = first ? externalReference : $"{externalReference}-part{start / CaptureLimit + 1}";
            parts.Add(JsonSerializer.SerializeToUtf8Bytes(Body(reference, part, withDelivery: first), Json));
        }
        return new Planned(externalReference, lines, parts);
    }

    /// <summary>
    /// The order Waybill holds for <paramref name="planned"/>, as the domain captures it: one group with every line and one
    /// delivery charge, one order promotion and one authorization per captured part (what joining the parts leaves).
    /// </summary>
    public static OrderDraft DraftOf(Planned planned)
    {
        var parts = planned.Parts;
        var lines = planned.Lines.Select(l => new LineDraft(l.Reference, l.Sku, $"Item {l.Sku}", l.Quantity, l.UnitPrice,
            [new AdjustmentDraft("promo-10", "10% off", l.Promotion)],
            [new TaxDraft("IL state tax", StateRate, l.StateTax), new TaxDraft("Springfield city tax", CityRate, l.CityTax)])).ToList();
        var address = new Domain.Common.Address(Address.Name, Address.Line1, null, Address.City, Address.Region, Address.PostalCode, Address.Country,
            (double)Address.Latitude!.Value, (double)Address.Longitude!.Value);
        var group = new DeliveryGroupDraft("dg1", new DeliveryMethod("ground", DeliveryMethodType.Ship, null), address,
            new DeliveryChargeDraft(DeliveryCharge, DeliveryTax, []), lines);
        var payments = Enumerable.Range(0, parts).Select(p =>
        {
            var part = planned.Lines.Skip(p * CaptureLimit).Take(CaptureLimit).ToList();
            var total = GrandTotal(part, withDelivery: p == 0);
            return new PaymentDraft("card", "mock", $"auth_ok_{planned.ExternalReference}_{p}", total, 0m, null);
        }).ToList();
        return new OrderDraft("web", planned.ExternalReference, DateTimeOffset.UtcNow.AddHours(-1), Currency.Of("USD"), Taxation.Net,
            address with { Latitude = null, Longitude = null }, [group],
            [.. Enumerable.Range(0, parts).Select(_ => new AdjustmentDraft("WELCOME25", "$25 off order", OrderPromotion))], payments);
    }

    /// <summary>
    /// The partial cancel the benchmark sends: one unit of every tenth line (the first, the eleventh, …) — a tenth of the
    /// lines, at least one — with the delivery charge reduced; every line has at least two units, so the order stays open.
    /// </summary>
    public static IReadOnlyList<int> CanceledLineIndexes(int lineCount) => [.. Enumerable.Range(0, lineCount).Where(i => i % 10 == 0)];

    private static OrderRequest Body(string externalReference, IReadOnlyList<Line> lines, bool withDelivery)
    {
        var total = GrandTotal(lines, withDelivery);
        var number = externalReference;
        return new OrderRequest(
            Channel: "web",
            ExternalReference: externalReference,
            OrderedAt: DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Currency: "USD",
            Taxation: "net",
            Customer: new CustomerRequest("C-change-bench", "pat.changes@example.com", "Pat", "Bench", "+1 555 0100"),
            BillingAddress: Address with { Latitude = null, Longitude = null },
            DeliveryGroups:
            [
                new DeliveryGroupRequest("dg1", new DeliveryMethodRequest("ground", "ship"), Address,
                    withDelivery ? new DeliveryChargeRequest(DeliveryCharge, DeliveryTax, []) : new DeliveryChargeRequest(0m, 0m, []),
                    [.. lines.Select(l => new LineRequest(l.Reference, l.Sku, $"Item {l.Sku}", l.Quantity, l.UnitPrice,
                        [new AdjustmentRequest("promo-10", "10% off", l.Promotion)],
                        [new TaxRequest("IL state tax", StateRate, l.StateTax), new TaxRequest("Springfield city tax", CityRate, l.CityTax)]))]),
            ],
            OrderAdjustments: [new AdjustmentRequest("WELCOME25", "$25 off order", OrderPromotion)],
            Payments: [new PaymentRequest("card", "mock", $"auth_ok_{number}", total, 0.00m)]);
    }

    private static decimal GrandTotal(IReadOnlyList<Line> lines, bool withDelivery) =>
        lines.Sum(l => l.UnitPrice * l.Quantity + l.Promotion + l.StateTax + l.CityTax) + OrderPromotion + (withDelivery ? DeliveryCharge + DeliveryTax : 0m);
}
