using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

internal sealed class SequentialIds : IIdGenerator
{
    private int _next;
    public string NewId() => $"id{++_next}";
}

internal static class OrderDrafts
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 18, 3, 11, TimeSpan.Zero);
    public static readonly Address Home = new("Ana Silva", "1 Main St", null, "Springfield", "IL", "62701", "US", 39.78, -89.65);

    /// <summary>The api.md example (shared/samples/order-web-net-usd.json): grand total 53.29.</summary>
    public static OrderDraft WebNetUsd() => new(
        "web", "W-100045", Now, Currency.Of("USD"), Taxation.Net, Home,
        [new DeliveryGroupDraft("dg1", new DeliveryMethod("ground", DeliveryMethodType.Ship, null), Home,
            new DeliveryChargeDraft(9.99m, 0.80m, []),
            [new LineDraft("l1", "TSHIRT-RED-M", "T-shirt red M", 2, 25.00m,
                [new AdjustmentDraft("promo-10", "10% off", -5.00m)],
                [new TaxDraft("IL sales tax", 0.0625m, 2.50m)])])],
        [new AdjustmentDraft("WELCOME5", "$5 off order", -5.00m)],
        [new PaymentDraft("card", "mock", "auth_123", 53.29m, 0m, null)]);

    public static Order Capture(OrderDraft draft) => Order.Capture(draft, "WB-000001", "cust1", new SequentialIds(), Now);
}
