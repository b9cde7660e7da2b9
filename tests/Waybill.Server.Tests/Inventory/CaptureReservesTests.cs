using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Inventory;

/// <summary>An order capture holds its product lines' stock where its channel sells from, as much as there is.</summary>
public abstract class CaptureReservesTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject ProductLine(string reference, string sku, int quantity) => new()
    {
        ["reference"] = reference, ["sku"] = sku, ["name"] = sku, ["quantity"] = quantity, ["unitPrice"] = 10.00,
        ["adjustments"] = new JsonArray(), ["taxes"] = new JsonArray(),
    };

    /// <summary>The api.md web order, on this channel, with these lines in its one shipped delivery group, and nothing paid.</summary>
    private static JsonObject Order(string channel, params JsonObject[] lines)
    {
        var order = Api.WebOrder();
        order["channel"] = channel;
        order["orderAdjustments"] = new JsonArray();
        order["payments"] = new JsonArray();
        var group = order["deliveryGroups"]![0]!;
        group["deliveryCharge"] = new JsonObject { ["amount"] = 0, ["taxAmount"] = 0, ["adjustments"] = new JsonArray() };
        group["lines"] = new JsonArray([.. lines]);
        return order;
    }

    private async Task<string> Channel(string group)
    {
        var code = MasterData.NewCode("web");
        await (await _admin.PutJson($"/api/v1/channels/{code}", new JsonObject { ["name"] = "Web", ["locationGroup"] = group })).Expect(HttpStatusCode.Created);
        return code;
    }

    private static JsonObject OrderLine(JsonObject order, string reference) =>
        Assert.Single(order["deliveryGroups"]!.AsArray().SelectMany(g => g!["lines"]!.AsArray()), l => l!["reference"].Str() == reference)!.AsObject();

    private async Task<JsonObject> Capture(JsonObject order) => await (await _admin.PostJson("/api/v1/orders", order)).Expect(HttpStatusCode.Created);

    [Fact]
    public async Task A_capture_reserves_its_lines_at_the_channels_group()
    {
        var (one, two) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(one, two);
        var channel = await Channel(group);
        var (shirt, socks) = (NewSku("SHIRT"), NewSku("SOCKS"));
        await _admin.PutStock(one, shirt, 3);
        await _admin.PutStock(two, shirt, 3);
        await _admin.PutStock(one, socks, 10);

        var order = await Capture(Order(channel, ProductLine("l1", shirt, 2), ProductLine("l2", socks, 4), ProductLine("l3", shirt, 1)));
        var reservationId = order["reservationId"].Str();
        Assert.Equal(2, OrderLine(order, "l1")["quantityReserved"].Int());
        Assert.Equal(4, OrderLine(order, "l2")["quantityReserved"].Int());
        Assert.Equal(1, OrderLine(order, "l3")["quantityReserved"].Int());

        Assert.Equal(Figures.With(6, reserved: 3), await _admin.AtGroup(shirt, group));
        Assert.Equal(Figures.With(10, reserved: 4), await _admin.AtGroup(socks, group));
        Assert.Equal(Figures.With(3), await _admin.AtLocation(shirt, one));

        var reservation = await _admin.GetReservation(reservationId);
        Assert.Equal("active", reservation["status"].Str());
        Assert.Equal(order["id"].Str(), reservation["orderId"].Str());
        Assert.Equal(3, reservation.Line(shirt, group: group)["quantity"].Int());
        Assert.Equal(4, reservation.Line(socks, group: group)["quantity"].Int());
    }

    [Fact]
    public async Task A_capture_of_more_than_is_available_is_201_with_what_could_be_held()
    {
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        var channel = await Channel(group);
        var sku = NewSku();
        await _admin.PutStock(location, sku, 5, 1);

        var order = await Capture(Order(channel, ProductLine("l1", sku, 3), ProductLine("l2", sku, 3)));
        Assert.NotNull(order["reservationId"]);
        // In request order: the first line gets its 3, the second what is left.
        Assert.Equal(3, OrderLine(order, "l1")["quantityReserved"].Int());
        Assert.Equal(1, OrderLine(order, "l2")["quantityReserved"].Int());
        Assert.Equal(Figures.With(5, reserved: 4, safetyStock: 1), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task A_capture_of_an_unknown_sku_is_201_with_nothing_reserved()
    {
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        var channel = await Channel(group);
        var order = await Capture(Order(channel, ProductLine("l1", NewSku(), 2)));
        Assert.Equal(0, OrderLine(order, "l1")["quantityReserved"].Int());
        Assert.True(order.ContainsKey("reservationId"));
        Assert.Null(order["reservationId"]);
    }

    [Fact]
    public async Task An_unregistered_channel_reserves_from_all()
    {
        var (one, two) = (await _admin.PutLocation(), await _admin.PutLocation());
        var sku = NewSku();
        await _admin.PutStock(one, sku, 2);
        await _admin.PutStock(two, sku, 2);
        var order = await Capture(Order(MasterData.NewCode("marketplace"), ProductLine("l1", sku, 3)));
        Assert.Equal(3, OrderLine(order, "l1")["quantityReserved"].Int());
        Assert.Equal(Figures.With(4, reserved: 3), await _admin.AtGroup(sku, "all"));
        var reservation = await _admin.GetReservation(order["reservationId"].Str());
        Assert.Equal(3, reservation.Line(sku, group: "all")["quantity"].Int());
    }

    [Fact]
    public async Task A_pickup_group_reserves_at_its_pickup_location_and_a_digital_one_reserves_nothing()
    {
        var (warehouse, store) = (await _admin.PutLocation(), await _admin.PutLocation(type: "store"));
        var group = await _admin.PutGroup(warehouse);
        var channel = await Channel(group);
        var (shipped, collected, download) = (NewSku("SHIP"), NewSku("PICK"), NewSku("DIGI"));
        await _admin.PutStock(warehouse, shipped, 5);
        await _admin.PutStock(store, collected, 5);
        await _admin.PutStock(warehouse, download, 5);

        var order = Order(channel, ProductLine("l1", shipped, 1));
        var groups = order["deliveryGroups"]!.AsArray();
        var pickup = groups[0]!.DeepClone().AsObject();
        pickup["reference"] = "pickup";
        pickup["deliveryMethod"] = new JsonObject { ["code"] = "store-pickup", ["type"] = "pickup", ["locationCode"] = store };
        pickup["lines"] = new JsonArray(ProductLine("l2", collected, 2));
        groups.Add(pickup);
        var digital = groups[0]!.DeepClone().AsObject();
        digital["reference"] = "digital";
        digital["deliveryMethod"] = new JsonObject { ["code"] = "download", ["type"] = "digital" };
        digital["lines"] = new JsonArray(ProductLine("l3", download, 1));
        groups.Add(digital);

        var captured = await Capture(order);
        Assert.Equal(1, OrderLine(captured, "l1")["quantityReserved"].Int());
        Assert.Equal(2, OrderLine(captured, "l2")["quantityReserved"].Int());
        Assert.Equal(0, OrderLine(captured, "l3")["quantityReserved"].Int());
        Assert.Equal(Figures.With(5, reserved: 1), await _admin.AtGroup(shipped, group));
        Assert.Equal(Figures.With(5, reserved: 2), await _admin.AtLocation(collected, store));
        Assert.Equal(Figures.With(5), await _admin.AtLocation(download, warehouse));
        Assert.Equal(Figures.With(5), await _admin.AtGroup(download, group));
    }

    [Fact]
    public async Task A_resent_capture_reserves_nothing_more()
    {
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        var channel = await Channel(group);
        var sku = NewSku();
        await _admin.PutStock(location, sku, 5);
        var body = Order(channel, ProductLine("l1", sku, 2));
        var first = await Capture(body);
        var again = await (await _admin.PostJson("/api/v1/orders", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(first["reservationId"].Str(), again["reservationId"].Str());
        Assert.Equal(Figures.With(5, reserved: 2), await _admin.AtGroup(sku, group));
    }
}

public sealed class CaptureReservesOnSqlite(SqliteServer server) : CaptureReservesTests(server), IClassFixture<SqliteServer>;

public sealed class CaptureReservesOnPostgres(PostgresServer server) : CaptureReservesTests(server), IClassFixture<PostgresServer>;
