using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Orders;

public abstract class CaptureOrderTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task The_api_example_is_captured_with_totals_computed_by_Waybill()
    {
        var response = await _admin.PostJson("/api/v1/orders", Api.WebOrder());
        var order = await response.Expect(HttpStatusCode.Created);

        Assert.Equal($"/api/v1/orders/{order["id"].Str()}", response.Headers.Location?.OriginalString);
        Assert.Matches("^WB-[0-9]{6,}$", order["orderNumber"].Str());
        Assert.Equal("created", order["status"].Str());
        Assert.Equal("authorized", order["paymentStatus"].Str());
        Assert.Equal(1, order["version"]!.GetValue<int>());
        var totals = order["totals"]!;
        Assert.Equal(50.00m, totals["productAmount"].Dec());
        Assert.Equal(-10.00m, totals["productAdjustmentAmount"].Dec());
        Assert.Equal(2.50m, totals["productTaxAmount"].Dec());
        Assert.Equal(9.99m, totals["deliveryAmount"].Dec());
        Assert.Equal(0m, totals["deliveryAdjustmentAmount"].Dec());
        Assert.Equal(0.80m, totals["deliveryTaxAmount"].Dec());
        Assert.Equal(3.30m, totals["totalTaxAmount"].Dec());
        Assert.Equal(53.29m, totals["grandTotalAmount"].Dec());

        var lines = order["deliveryGroups"]![0]!["lines"]!.AsArray();
        var product = lines.Single(l => l!["type"].Str() == "product")!;
        Assert.Equal("ordered", product["status"].Str());
        Assert.Equal(2, product["quantityOrdered"]!.GetValue<int>());
        Assert.Equal(2, product["quantityAvailableToCancel"]!.GetValue<int>());
        Assert.Equal(0, product["quantityAvailableToReturn"]!.GetValue<int>());
        Assert.Equal(-10.00m, product["adjustmentAmount"].Dec());
        Assert.Equal(42.50m, product["totalAmount"].Dec());
        var delivery = lines.Single(l => l!["type"].Str() == "delivery_charge")!;
        Assert.Equal(10.79m, delivery["totalAmount"].Dec());
        Assert.Equal(53.29m, order["payments"]![0]!["availableToCapture"].Dec());
        Assert.Empty(order["fulfillmentOrders"]!.AsArray());

        var read = await (await _admin.GetAsync($"/api/v1/orders/{order["id"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(order, read), $"GET must return the order exactly as the capture answered it.\n{order.ToJsonString()}\n{read.ToJsonString()}");
    }

    [Fact]
    public async Task Gross_prices_with_two_groups_and_a_captured_gift_card()
    {
        var order = await (await _admin.PostJson("/api/v1/orders", Api.GrossOrder())).Expect(HttpStatusCode.Created);
        Assert.Equal(184.45m, order["totals"]!["grandTotalAmount"].Dec());
        Assert.Equal(29.45m, order["totals"]!["totalTaxAmount"].Dec());
        Assert.Equal(-4.95m, order["totals"]!["deliveryAdjustmentAmount"].Dec());
        Assert.Equal("partially_paid", order["paymentStatus"].Str());
        Assert.Equal(2, order["deliveryGroups"]!.AsArray().Count);
        Assert.Equal("pickup", order["deliveryGroups"]![1]!["deliveryMethod"]!["type"].Str());
    }

    [Theory]
    [InlineData("JPY", 1200, 1, 0, 1200)]
    [InlineData("KWD", 12.345, 2, 1.234, 25.924)]
    [InlineData("USD", 19.99, 3, 4.80, 64.77)]
    public async Task Currencies_with_zero_two_and_three_decimals(string currency, decimal price, int quantity, decimal tax, decimal grandTotal)
    {
        var body = Api.WebOrder();
        body["currency"] = currency;
        body["orderAdjustments"] = new JsonArray();
        body["payments"] = new JsonArray();
        var group = body["deliveryGroups"]![0]!;
        group["deliveryCharge"] = new JsonObject { ["amount"] = 0, ["taxAmount"] = 0, ["adjustments"] = new JsonArray() };
        var line = group["lines"]![0]!;
        line["unitPrice"] = price;
        line["quantity"] = quantity;
        line["adjustments"] = new JsonArray();
        line["taxes"] = new JsonArray(new JsonObject { ["name"] = "tax", ["amount"] = tax });

        var order = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        Assert.Equal(grandTotal, order["totals"]!["grandTotalAmount"].Dec());
        Assert.Equal("none", order["paymentStatus"].Str());
    }

    [Theory]
    [InlineData("JPY", "1200", "\"grandTotalAmount\":1200}")]
    [InlineData("KWD", "12.345", "\"grandTotalAmount\":12.345}")]
    [InlineData("USD", "25", "\"grandTotalAmount\":25.00}")]
    public async Task Money_goes_out_with_exactly_the_currency_decimals(string currency, string price, string expected)
    {
        var body = Api.WebOrder();
        body["currency"] = currency;
        body["orderAdjustments"] = new JsonArray();
        body["payments"] = new JsonArray();
        var group = body["deliveryGroups"]![0]!;
        group["deliveryCharge"] = new JsonObject { ["amount"] = 0, ["taxAmount"] = 0 };
        var line = group["lines"]![0]!;
        line["unitPrice"] = JsonNode.Parse(price);
        line["quantity"] = 1;
        line["adjustments"] = new JsonArray();
        line["taxes"] = new JsonArray();
        var response = await _admin.PostJson("/api/v1/orders", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_timestamp_without_an_offset_is_utc()
    {
        var body = Api.WebOrder();
        body["orderedAt"] = "2026-11-20T18:03:11";
        var order = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        Assert.Equal("2026-11-20T18:03:11Z", order["orderedAt"].Str());
    }

    [Fact]
    public async Task Order_adjustments_are_spread_over_the_lines_by_largest_remainder()
    {
        var body = Api.WebOrder();
        var group = body["deliveryGroups"]![0]!;
        group["lines"] = new JsonArray(
            Line("a", 10.00m), Line("b", 10.00m), Line("c", 10.00m));
        body["orderAdjustments"] = new JsonArray(new JsonObject { ["reference"] = "TEN", ["amount"] = -10.00m });

        var order = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        var shares = order["deliveryGroups"]![0]!["lines"]!.AsArray()
            .Where(l => l!["type"].Str() == "product").Select(l => l!["adjustmentAmount"].Dec()).ToArray();
        Assert.Equal([-3.34m, -3.33m, -3.33m], shares);
        Assert.Equal(-10.00m, order["totals"]!["productAdjustmentAmount"].Dec());

        static JsonObject Line(string reference, decimal price) => new()
        {
            ["reference"] = reference, ["sku"] = "SKU-" + reference, ["name"] = reference, ["quantity"] = 1, ["unitPrice"] = price,
        };
    }

    [Fact]
    public async Task Capturing_the_same_channel_reference_again_returns_the_existing_order()
    {
        var body = Api.WebOrder();
        var first = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        var before = await _admin.OrderCount();
        var again = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(first["id"].Str(), again["id"].Str());
        Assert.Equal(before, await _admin.OrderCount());

        var otherChannel = body.DeepClone().AsObject();
        otherChannel["channel"] = "marketplace";
        var third = await (await _admin.PostJson("/api/v1/orders", otherChannel)).Expect(HttpStatusCode.Created);
        Assert.NotEqual(first["id"].Str(), third["id"].Str());
    }

    [Fact]
    public async Task A_resend_with_a_new_customer_leaves_no_customer_behind()
    {
        // The resend's batch (new customer + duplicate order) fails as a whole: no half-written customer.
        var body = Api.WebOrder();
        var first = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        var resend = body.DeepClone().AsObject();
        var email = $"resend.{Guid.NewGuid():N}@example.com";
        resend["customer"] = new JsonObject { ["email"] = email };
        var again = await (await _admin.PostJson("/api/v1/orders", resend)).Expect(HttpStatusCode.OK);
        Assert.Equal(first["id"].Str(), again["id"].Str());

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Waybill.Server.Data.WaybillDb>();
        Assert.False(await db.Customers.AnyAsync(c => c.EmailKey == email));
    }

    [Fact]
    public async Task Customers_are_matched_by_external_id_then_by_email_in_any_case()
    {
        var email = $"Mixed.{Guid.NewGuid():N}@Example.com";
        var externalId = "C-" + Guid.NewGuid().ToString("N")[..8];
        JsonObject Order(string? ext, string mail)
        {
            var body = Api.WebOrder();
            body["customer"] = new JsonObject { ["externalId"] = ext, ["email"] = mail, ["firstName"] = "Ana" };
            return body;
        }

        var first = await (await _admin.PostJson("/api/v1/orders", Order(externalId, email))).Expect(HttpStatusCode.Created);
        var byExternalId = await (await _admin.PostJson("/api/v1/orders", Order(externalId, "other@example.com"))).Expect(HttpStatusCode.Created);
        var byEmail = await (await _admin.PostJson("/api/v1/orders", Order(null, email.ToUpperInvariant()))).Expect(HttpStatusCode.Created);
        var someoneElse = await (await _admin.PostJson("/api/v1/orders", Order(null, $"new.{Guid.NewGuid():N}@example.com"))).Expect(HttpStatusCode.Created);

        var customerId = first["customer"]!["id"].Str();
        Assert.Equal(customerId, byExternalId["customer"]!["id"].Str());
        Assert.Equal(customerId, byEmail["customer"]!["id"].Str());
        Assert.NotEqual(customerId, someoneElse["customer"]!["id"].Str());

        var list = await (await _admin.GetAsync($"/api/v1/orders?customerId={customerId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(3, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Channel_totals_that_agree_are_accepted_and_ones_that_differ_are_a_422_naming_each()
    {
        var agreeing = Api.WebOrder();
        agreeing["totals"] = new JsonObject { ["grandTotalAmount"] = 53.29m, ["totalTaxAmount"] = 3.30m };
        await (await _admin.PostJson("/api/v1/orders", agreeing)).Expect(HttpStatusCode.Created);

        var before = await _admin.OrderCount();
        var differing = Api.WebOrder();
        differing["totals"] = new JsonObject { ["grandTotalAmount"] = 53.30m, ["productAmount"] = 50.00m };
        var problem = await (await _admin.PostJson("/api/v1/orders", differing)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "totals_mismatch");
        var differences = problem["differences"]!.AsObject();
        Assert.Single(differences);
        Assert.Equal(53.29m, differences["grandTotalAmount"]!["computed"].Dec());
        Assert.Equal(53.30m, differences["grandTotalAmount"]!["received"].Dec());
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Fact]
    public async Task Capture_writes_order_created_to_the_event_feed_and_the_history()
    {
        var order = await (await _admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created);
        var id = order["id"].Str();

        var events = await _admin.AllEvents($"&subject={id}", atLeast: 1);
        var created = Assert.Single(events);
        Assert.Equal("order.created", created["type"].Str());
        Assert.Equal("1.0", created["specversion"].Str());
        Assert.Equal("/waybill", created["source"].Str());
        Assert.Equal("application/json", created["datacontenttype"].Str());
        Assert.Equal(id, created["data"]!["id"].Str());
        Assert.Equal(53.29m, created["data"]!["totals"]!["grandTotalAmount"].Dec());

        var history = await (await _admin.GetAsync($"/api/v1/orders/{id}/history")).Expect(HttpStatusCode.OK);
        var entry = Assert.Single(history["items"]!.AsArray())!;
        Assert.Equal("capture", entry["action"].Str());
        Assert.Equal("created", entry["toStatus"].Str());
        Assert.StartsWith("api_key:", entry["actor"].Str());
        Assert.Equal(order["orderNumber"].Str(), entry["changes"]!["orderNumber"].Str());
        Assert.Equal(53.29m, entry["changes"]!["grandTotalAmount"].Dec());
    }

    [Fact]
    public async Task Timestamps_are_utc_with_a_z()
    {
        var body = Api.WebOrder();
        body["orderedAt"] = "2026-11-20T19:03:11+01:00";
        var order = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.Created);
        Assert.Equal("2026-11-20T18:03:11Z", order["orderedAt"].Str());
        Assert.EndsWith("Z", order["createdAt"].Str());
    }
}

public sealed class CaptureOrderOnSqlite(SqliteServer server) : CaptureOrderTests(server), IClassFixture<SqliteServer>;

public sealed class CaptureOrderOnPostgres(PostgresServer server) : CaptureOrderTests(server), IClassFixture<PostgresServer>;
