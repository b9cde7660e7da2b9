using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Stock, availability and reservation bodies for the inventory tests. Every SKU is new, so tests of one class never share stock.</summary>
public static class InventorySetup
{
    public const string Reservations = "/api/v1/inventory/reservations";

    public static string NewSku(string prefix = "SKU") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10].ToUpperInvariant()}";

    public static string StockPath(string location, string sku) => $"/api/v1/inventory/{location}/{sku}";

    public static JsonObject Stock(long? onHand, long? safetyStock = null)
    {
        var body = new JsonObject { ["onHand"] = onHand };
        if (safetyStock is not null) body["safetyStock"] = safetyStock;
        return body;
    }

    /// <summary>Sets a SKU's stock at a location (created or replaced).</summary>
    public static async Task<JsonObject> PutStock(this HttpClient admin, string location, string sku, long onHand, long safetyStock = 0)
    {
        var response = await admin.PutJson(StockPath(location, sku), Stock(onHand, safetyStock));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    /// <summary>Every row of one availability call.</summary>
    public static async Task<List<JsonObject>> Availability(this HttpClient client, IEnumerable<string> skus, IEnumerable<string>? locations = null, IEnumerable<string>? groups = null)
    {
        var query = $"/api/v1/inventory/availability?skus={Uri.EscapeDataString(string.Join(',', skus))}";
        if (locations is not null) query += $"&locations={Uri.EscapeDataString(string.Join(',', locations))}";
        if (groups is not null) query += $"&groups={Uri.EscapeDataString(string.Join(',', groups))}";
        var body = await (await client.GetAsync(query)).Expect(HttpStatusCode.OK);
        return [.. body["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    /// <summary>A SKU's figures at one location, read back over HTTP.</summary>
    /// <summary>One SKU's availability row at one location or group, as the API writes it.</summary>
    public static async Task<JsonObject> AvailabilityRow(this HttpClient client, string sku, string? location = null, string? group = null) =>
        (await client.Availability([sku], location is null ? null : [location], group is null ? null : [group])).Single();

    public static async Task<Figures> AtLocation(this HttpClient client, string sku, string location) =>
        Figures.Of(Assert.Single(await client.Availability([sku], locations: [location])));

    /// <summary>A SKU's figures at one group, read back over HTTP.</summary>
    public static async Task<Figures> AtGroup(this HttpClient client, string sku, string group) =>
        Figures.Of(Assert.Single(await client.Availability([sku], groups: [group])));

    public static JsonObject LocationLine(string sku, int? quantity, string location) => new() { ["sku"] = sku, ["quantity"] = quantity, ["location"] = location };

    public static JsonObject GroupLine(string sku, int? quantity, string group) => new() { ["sku"] = sku, ["quantity"] = quantity, ["group"] = group };

    /// <summary>A body of lines: a reservation to create, or what a release, transfer or fulfillment moves.</summary>
    public static JsonObject Lines(params JsonObject[] lines) => new() { ["lines"] = new JsonArray([.. lines]) };

    /// <summary>A reservation to create, with no key, no expiry and all or nothing.</summary>
    public static JsonObject Reservation(params JsonObject[] lines) => Lines(lines);

    public static JsonObject Transfer(string sku, int quantity, string from, string to) => new() { ["sku"] = sku, ["quantity"] = quantity, ["from"] = from, ["to"] = to };

    /// <summary>Creates a reservation and expects 201.</summary>
    public static async Task<JsonObject> Reserve(this HttpClient client, JsonObject body) =>
        await (await client.PostJson(Reservations, body)).Expect(HttpStatusCode.Created);

    public static async Task<JsonObject> GetReservation(this HttpClient client, string id) =>
        await (await client.GetAsync($"{Reservations}/{id}")).Expect(HttpStatusCode.OK);

    /// <summary>The line of a reservation response holding this SKU at this location or group.</summary>
    public static JsonObject Line(this JsonObject reservation, string sku, string? location = null, string? group = null) =>
        Assert.Single(reservation["lines"]!.AsArray().Select(l => l!.AsObject()),
            l => l["sku"].Str() == sku && l["location"]?.GetValue<string>() == location && l["group"]?.GetValue<string>() == group);

    public static int Int(this JsonNode? node) => node!.GetValue<int>();

    public static long Long(this JsonNode? node) => node!.GetValue<long>();
}

/// <summary>The figures of one availability row.</summary>
public sealed record Figures(long OnHand, long Reserved, long SafetyStock, long AvailableToFulfill, long AvailableToOrder)
{
    public static Figures Of(JsonObject row) => new(
        row["onHand"].Long(), row["reserved"].Long(), row["safetyStock"].Long(), row["availableToFulfill"].Long(), row["availableToOrder"].Long());

    public static readonly Figures Zero = new(0, 0, 0, 0, 0);

    /// <summary>Figures with ATF and ATO (no futures) as the formula gives them.</summary>
    public static Figures With(long onHand, long reserved = 0, long safetyStock = 0) =>
        new(onHand, reserved, safetyStock, onHand - reserved - safetyStock, onHand - reserved - safetyStock);
}
