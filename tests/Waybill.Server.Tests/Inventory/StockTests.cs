using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Inventory;

/// <summary><c>PUT /inventory/{location}/{sku}</c> and <c>POST …/adjust</c>: single stock updates.</summary>
public abstract class StockTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static readonly string[] DocumentedFields =
        ["sku", "location", "group", "onHand", "reserved", "safetyStock", "availableToFulfill", "availableToOrder", "futures"];

    private static JsonObject Adjustment(long? delta, string? reason) => new() { ["delta"] = delta, ["reason"] = reason };

    [Fact]
    public async Task Put_creates_with_201_then_replaces_with_200_and_answers_the_figures()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();

        var created = await (await _admin.PutJson(StockPath(location, sku), Stock(10, 2))).Expect(HttpStatusCode.Created);
        foreach (var field in DocumentedFields) Assert.True(created.ContainsKey(field), $"'{field}' is missing");
        Assert.Equal(sku, created["sku"].Str());
        Assert.Equal(location, created["location"].Str());
        Assert.Null(created["group"]);
        Assert.Empty(created["futures"]!.AsArray());
        Assert.Equal(Figures.With(10, safetyStock: 2), Figures.Of(created));

        await _admin.Reserve(Reservation(LocationLine(sku, 3, location)));

        var replaced = await (await _admin.PutJson(StockPath(location, sku), Stock(12, 4))).Expect(HttpStatusCode.OK);
        // ATF = onHand − reserved − safetyStock: 12 − 3 − 4.
        Assert.Equal(Figures.With(12, reserved: 3, safetyStock: 4), Figures.Of(replaced));
        Assert.Equal(5, replaced["availableToFulfill"].Long());
        Assert.Equal(Figures.Of(replaced), await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Put_without_safety_stock_starts_it_at_zero_and_keeps_it_on_a_replace()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        var created = await (await _admin.PutJson(StockPath(location, sku), Stock(5))).Expect(HttpStatusCode.Created);
        Assert.Equal(Figures.With(5), Figures.Of(created));
        await (await _admin.PutJson(StockPath(location, sku), Stock(5, 1))).Expect(HttpStatusCode.OK);
        var replaced = await (await _admin.PutJson(StockPath(location, sku), Stock(8))).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(8, safetyStock: 1), Figures.Of(replaced));
    }

    [Fact]
    public async Task Put_at_an_unknown_location_is_404_and_creates_nothing()
    {
        var location = MasterData.NewCode("NOPE");
        var sku = NewSku();
        await (await _admin.PutJson(StockPath(location, sku), Stock(10))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        // The SKU has stock nowhere, so a reservation of it names it as unknown.
        var somewhere = await _admin.PutLocation();
        await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 1, somewhere)))).ExpectFieldError("lines[0].sku");
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(null)]
    [InlineData(1_000_000_001L)]
    public async Task Put_with_a_bad_on_hand_is_400_naming_onHand_and_changes_nothing(long? onHand)
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 7, 1);
        await (await _admin.PutJson(StockPath(location, sku), Stock(onHand, 0))).ExpectFieldError("onHand");
        Assert.Equal(Figures.With(7, safetyStock: 1), await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Put_with_negative_safety_stock_is_400_naming_safetyStock()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await (await _admin.PutJson(StockPath(location, sku), Stock(3, -1))).ExpectFieldError("safetyStock");
        Assert.Equal(Figures.Zero, await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Put_with_a_string_for_on_hand_is_400_naming_onHand()
    {
        var location = await _admin.PutLocation();
        await (await _admin.PutJson(StockPath(location, NewSku()), new JsonObject { ["onHand"] = "ten" })).ExpectFieldError("onHand");
    }

    [Fact]
    public async Task Put_and_adjust_are_for_admins_only()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 4);
        foreach (var role in new[] { "storefront", "viewer", "agent" })
        {
            var client = await server.ClientWithRole(role);
            await (await client.PutJson(StockPath(location, sku), Stock(99))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            await (await client.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(5, "found"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }
        var anonymous = server.Client(key: null);
        await (await anonymous.PutJson(StockPath(location, sku), Stock(99))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(5, "found"))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(Figures.With(4), await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Adjust_adds_and_takes_the_delta_and_answers_the_figures()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 10, 2);

        var found = await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(5, "found"))).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(15, safetyStock: 2), Figures.Of(found));
        Assert.Equal(location, found["location"].Str());
        var damaged = await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(-3, "damaged"))).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(12, safetyStock: 2), Figures.Of(damaged));
        Assert.Equal(Figures.With(12, safetyStock: 2), await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Adjust_down_to_exactly_zero_is_allowed()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 3);
        var counted = await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(-3, "cycle_count"))).Expect(HttpStatusCode.OK);
        Assert.Equal(0, counted["onHand"].Long());
    }

    [Fact]
    public async Task Adjust_below_zero_is_400_naming_delta_and_changes_nothing()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 3, 1);
        await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(-4, "cycle_count"))).ExpectFieldError("delta");
        Assert.Equal(Figures.With(3, safetyStock: 1), await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Adjust_below_zero_of_a_sku_never_stocked_leaves_it_unknown()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(-1, "damaged"))).ExpectFieldError("delta");
        // The refused adjustment left no stock row behind: the SKU is still one no location has ever had.
        await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 1, location)))).ExpectFieldError("lines[0].sku");
    }

    [Theory]
    [InlineData(null, "cycle_count", "delta")]
    [InlineData(0L, "cycle_count", "delta")]
    [InlineData(2_000_000_000L, "cycle_count", "delta")]
    [InlineData(3L, null, "reason")]
    [InlineData(3L, "", "reason")]
    [InlineData(3L, "cycle count!", "reason")]
    public async Task Adjust_checks_delta_and_reason(long? delta, string? reason, string field)
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 5);
        await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(delta, reason))).ExpectFieldError(field);
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, location));
    }

    [Fact]
    public async Task Adjust_a_reason_longer_than_64_characters_is_400()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 5);
        await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(1, new string('x', 65)))).ExpectFieldError("reason");
    }

    [Fact]
    public async Task Adjust_at_an_unknown_location_is_404()
    {
        await (await _admin.PostJson($"{StockPath(MasterData.NewCode("NOPE"), NewSku())}/adjust", Adjustment(1, "found")))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Stock_changes_move_the_groups_the_location_counts_in()
    {
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        var sku = NewSku();
        await _admin.PutStock(location, sku, 10, 1);
        Assert.Equal(Figures.With(10, safetyStock: 1), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(10, safetyStock: 1), await _admin.AtGroup(sku, "all"));
        await (await _admin.PostJson($"{StockPath(location, sku)}/adjust", Adjustment(-4, "damaged"))).Expect(HttpStatusCode.OK);
        await _admin.PutStock(location, sku, 8, 2);
        Assert.Equal(Figures.With(8, safetyStock: 2), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(8, safetyStock: 2), await _admin.AtGroup(sku, "all"));
    }
}

public sealed class StockOnSqlite(SqliteServer server) : StockTests(server), IClassFixture<SqliteServer>;

public sealed class StockOnPostgres(PostgresServer server) : StockTests(server), IClassFixture<PostgresServer>;
