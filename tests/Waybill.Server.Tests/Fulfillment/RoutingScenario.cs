using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;

namespace Waybill.Server.Tests.Fulfillment;

/// <summary>A small network around Springfield, IL: three warehouses and one store, each in its own place, in one channel group.</summary>
public sealed class RoutingScenario
{
    public required string Chicago { get; init; }
    public required string Dallas { get; init; }
    public required string Newark { get; init; }
    public required string StLouis { get; init; }
    public required string Group { get; init; }
    public required string Channel { get; init; }

    public static async Task<RoutingScenario> CreateAsync(HttpClient admin, int? maxSplits = null)
    {
        async Task<string> Put(string prefix, string type, double lat, double lon)
        {
            var code = MasterData.NewCode(prefix);
            var body = MasterData.Location(prefix, type);
            body["latitude"] = lat;
            body["longitude"] = lon;
            await (await admin.PutJson($"/api/v1/locations/{code}", body)).Expect(HttpStatusCode.Created);
            return code;
        }
        var chicago = await Put("CHI", "warehouse", 41.88, -87.63);
        var dallas = await Put("DAL", "warehouse", 32.78, -96.80);
        var newark = await Put("EWR", "warehouse", 40.73, -74.17);
        var stLouis = await Put("STL", "store", 38.63, -90.20);
        var group = await admin.PutGroup(chicago, dallas, newark, stLouis);
        var channel = MasterData.NewCode("web");
        var channelBody = new JsonObject { ["name"] = "Web", ["locationGroup"] = group };
        if (maxSplits is not null) channelBody["maxSplits"] = maxSplits;
        await (await admin.PutJson($"/api/v1/channels/{channel}", channelBody)).Expect(HttpStatusCode.Created);
        return new RoutingScenario { Chicago = chicago, Dallas = dallas, Newark = newark, StLouis = stLouis, Group = group, Channel = channel };
    }

    public static JsonObject Line(string reference, string sku, int quantity) => new()
    {
        ["reference"] = reference, ["sku"] = sku, ["name"] = sku, ["quantity"] = quantity, ["unitPrice"] = 10.00,
        ["adjustments"] = new JsonArray(), ["taxes"] = new JsonArray(),
    };

    /// <summary>An order to Springfield (39.78, −89.65) on the scenario's channel, nothing paid.</summary>
    public JsonObject Order(params JsonObject[] lines)
    {
        var order = Api.WebOrder();
        order["channel"] = Channel;
        order["orderAdjustments"] = new JsonArray();
        order["payments"] = new JsonArray();
        var group = order["deliveryGroups"]![0]!;
        group["deliveryCharge"] = new JsonObject { ["amount"] = 0, ["taxAmount"] = 0, ["adjustments"] = new JsonArray() };
        group["lines"] = new JsonArray([.. lines]);
        return order;
    }

    /// <summary>Captures and approves the order; returns its id.</summary>
    public async Task<string> PlaceAsync(HttpClient admin, params JsonObject[] lines)
    {
        var order = await (await admin.PostJson("/api/v1/orders", Order(lines))).Expect(HttpStatusCode.Created);
        var id = order["id"].Str();
        await (await admin.PostJson($"/api/v1/orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        return id;
    }
}

public static class FulfillmentApi
{
    public static async Task<JsonObject> Route(this HttpClient client, string orderId, bool? partial = null) =>
        await (await client.PostJson($"/api/v1/orders/{orderId}/route", partial is null ? null : new JsonObject { ["partial"] = partial }))
            .Expect(HttpStatusCode.OK);

    public static async Task<JsonObject> GetOrder(this HttpClient client, string orderId) =>
        await (await client.GetAsync($"/api/v1/orders/{orderId}")).Expect(HttpStatusCode.OK);

    public static JsonObject LineOf(this JsonObject order, string reference) =>
        Assert.Single(order["deliveryGroups"]!.AsArray().SelectMany(g => g!["lines"]!.AsArray()), l => l!["reference"].Str() == reference)!.AsObject();

    public static async Task<List<JsonObject>> FulfillmentOrdersOf(this HttpClient client, string orderId) =>
        await client.ReadAll($"/api/v1/fulfillment-orders?orderId={orderId}");

    public static JsonObject Body(string lineId, int quantity, string? reason = "out_of_stock")
    {
        var body = new JsonObject { ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = quantity }) };
        if (reason is not null) body["reason"] = reason;
        return body;
    }

    /// <summary>
    /// The order's quantity invariants as the API shows them: per line canceled + allocated ≤ ordered and allocated equals
    /// what its open fulfillment order lines hold; per location, what the order's fulfillment orders hold open is reserved there.
    /// </summary>
    public static async Task AssertQuantitiesHold(this HttpClient client, string orderId)
    {
        var order = await client.GetOrder(orderId);
        var fos = await client.FulfillmentOrdersOf(orderId);
        foreach (var line in order["deliveryGroups"]!.AsArray().SelectMany(g => g!["lines"]!.AsArray()).Select(l => l!.AsObject()).Where(l => l["type"].Str() == "product"))
        {
            Assert.True(line["quantityCanceled"]!.GetValue<int>() + line["quantityAllocated"]!.GetValue<int>() <= line["quantityOrdered"]!.GetValue<int>());
            Assert.True(line["quantityFulfilled"]!.GetValue<int>() <= line["quantityAllocated"]!.GetValue<int>());
            var foLines = fos.SelectMany(f => f["lines"]!.AsArray()).Where(l => l!["orderLineId"].Str() == line["id"].Str()).ToList();
            var open = foLines.Sum(l => l!["quantity"]!.GetValue<int>() - l["quantityShipped"]!.GetValue<int>() - l["quantityRejected"]!.GetValue<int>() - l["quantityCanceled"]!.GetValue<int>());
            var shipped = foLines.Sum(l => l!["quantityShipped"]!.GetValue<int>());
            // Allocated is what the fulfillment orders hold open plus what they shipped; fulfilled is what they shipped.
            Assert.Equal(line["quantityAllocated"]!.GetValue<int>(), open + shipped);
            Assert.Equal(line["quantityFulfilled"]!.GetValue<int>(), shipped);
            var shippedInShipments = fos.SelectMany(f => f["shipments"]!.AsArray()).SelectMany(x => x!["lines"]!.AsArray())
                .Where(l => l!["orderLineId"].Str() == line["id"].Str()).Sum(l => l!["quantity"]!.GetValue<int>());
            Assert.Equal(shipped, shippedInShipments);
            int Q(string name) => line[name]!.GetValue<int>();
            var net = Q("quantityOrdered") - Q("quantityCanceled");
            var status = net == 0 ? "canceled" : Q("quantityFulfilled") == net ? "fulfilled" : Q("quantityFulfilled") > 0 ? "partially_fulfilled"
                : Q("quantityAllocated") == net ? "allocated" : Q("quantityAllocated") > 0 ? "partially_allocated" : "ordered";
            Assert.Equal(status, line["status"].Str());
            Assert.Equal(line["quantityOrdered"]!.GetValue<int>() - line["quantityCanceled"]!.GetValue<int>() - line["quantityAllocated"]!.GetValue<int>(),
                line["quantityAvailableToFulfill"]!.GetValue<int>());
        }
    }

    public static JsonObject Shipment(params (string LineId, int Quantity)[] lines) => new()
    {
        ["carrier"] = "UPS", ["service"] = "ground", ["trackingNumber"] = "1Z" + Guid.NewGuid().ToString("N")[..10],
        ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject { ["lineId"] = l.LineId, ["quantity"] = l.Quantity })]),
    };

    /// <summary>Ships lines of a fulfillment order (201) and returns the shipment.</summary>
    public static async Task<JsonObject> Ship(this HttpClient client, string fulfillmentOrderId, params (string LineId, int Quantity)[] lines) =>
        await (await client.PostJson($"/api/v1/fulfillment-orders/{fulfillmentOrderId}/shipments", Shipment(lines))).Expect(HttpStatusCode.Created);

    /// <summary>Every open quantity of every open fulfillment order of the order, one shipment each.</summary>
    public static async Task ShipEverythingOpen(this HttpClient client, string orderId)
    {
        foreach (var fo in await client.FulfillmentOrdersOf(orderId))
        {
            var open = fo["lines"]!.AsArray().Select(l => (l!["id"].Str(), l["quantityOpen"]!.GetValue<int>())).Where(l => l.Item2 > 0).ToArray();
            if (open.Length > 0) await client.Ship(fo["id"].Str(), open);
        }
    }
}
