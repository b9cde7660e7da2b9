using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Every reservation request that cannot be right is a problem naming its field, and holds nothing.</summary>
public abstract class ReservationBadInputTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    /// <summary>A location and a group holding it, with 10 of a new SKU; the test asserts they still show exactly that.</summary>
    private async Task<Stocked> StockedSku()
    {
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        var sku = NewSku();
        await _admin.PutStock(location, sku, 10);
        return new Stocked(location, group, sku);
    }

    private async Task AssertUnchanged(Stocked stocked)
    {
        Assert.Equal(Figures.With(10), await _admin.AtLocation(stocked.Sku, stocked.Location));
        Assert.Equal(Figures.With(10), await _admin.AtGroup(stocked.Sku, stocked.Group));
        Assert.Equal(Figures.With(10), await _admin.AtGroup(stocked.Sku, "all"));
    }

    private sealed record Stocked(string Location, string Group, string Sku);

    private async Task ExpectRefused(JsonObject body, string field, Stocked stocked)
    {
        await (await _admin.PostJson(Reservations, body)).ExpectFieldError(field);
        await AssertUnchanged(stocked);
    }

    [Fact]
    public async Task An_unknown_location_is_named()
    {
        var s = await StockedSku();
        await ExpectRefused(Reservation(LocationLine(s.Sku, 1, s.Location), LocationLine(s.Sku, 1, MasterData.NewCode("NOPE"))), "lines[1].location", s);
    }

    [Fact]
    public async Task An_unknown_group_is_named()
    {
        var s = await StockedSku();
        await ExpectRefused(Reservation(LocationLine(s.Sku, 1, s.Location), GroupLine(s.Sku, 1, MasterData.NewCode("NOPE"))), "lines[1].group", s);
        // A location's code is not a group's.
        await ExpectRefused(Reservation(GroupLine(s.Sku, 1, s.Location)), "lines[0].group", s);
    }

    [Fact]
    public async Task A_sku_with_no_stock_anywhere_is_named()
    {
        var s = await StockedSku();
        await ExpectRefused(Reservation(LocationLine(s.Sku, 1, s.Location), LocationLine(NewSku(), 1, s.Location)), "lines[1].sku", s);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(null)]
    [InlineData(1_000_000_001)]
    public async Task A_quantity_that_is_not_a_positive_whole_number_is_named(int? quantity)
    {
        var s = await StockedSku();
        await ExpectRefused(Reservation(LocationLine(s.Sku, 1, s.Location), LocationLine(s.Sku, quantity, s.Location)), "lines[1].quantity", s);
    }

    [Fact]
    public async Task A_fractional_quantity_is_named()
    {
        var s = await StockedSku();
        var line = LocationLine(s.Sku, 1, s.Location);
        line["quantity"] = 1.5;
        await ExpectRefused(Reservation(line), "lines[0].quantity", s);
    }

    [Fact]
    public async Task A_line_names_a_location_or_a_group_not_both_nor_neither()
    {
        var s = await StockedSku();
        var both = LocationLine(s.Sku, 1, s.Location);
        both["group"] = s.Group;
        await ExpectRefused(Reservation(both), "lines[0].location", s);
        await ExpectRefused(Reservation(new JsonObject { ["sku"] = s.Sku, ["quantity"] = 1 }), "lines[0].location", s);
    }

    [Fact]
    public async Task A_missing_sku_is_named()
    {
        var s = await StockedSku();
        await ExpectRefused(Reservation(new JsonObject { ["quantity"] = 1, ["location"] = s.Location }), "lines[0].sku", s);
        await ExpectRefused(Reservation(LocationLine("  ", 1, s.Location)), "lines[0].sku", s);
    }

    [Fact]
    public async Task The_same_sku_at_the_same_place_twice_is_named()
    {
        var s = await StockedSku();
        await ExpectRefused(Reservation(LocationLine(s.Sku, 1, s.Location), LocationLine(s.Sku, 2, s.Location)), "lines[1]", s);
        // The same SKU at a location and at a group holding it are two places: that is allowed.
        var both = await _admin.Reserve(Reservation(LocationLine(s.Sku, 1, s.Location), GroupLine(s.Sku, 2, s.Group)));
        Assert.Equal(2, both["lines"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(14_401)]
    public async Task An_expiry_outside_1_to_14400_seconds_is_named(int seconds)
    {
        var s = await StockedSku();
        var body = Reservation(LocationLine(s.Sku, 1, s.Location));
        body["expiresInSeconds"] = seconds;
        await ExpectRefused(body, "expiresInSeconds", s);
    }

    [Fact]
    public async Task The_longest_expiry_is_allowed()
    {
        var s = await StockedSku();
        var body = Reservation(LocationLine(s.Sku, 1, s.Location));
        body["expiresInSeconds"] = 14_400;
        await _admin.Reserve(body);
    }

    [Fact]
    public async Task A_reservation_key_longer_than_200_characters_is_named()
    {
        var s = await StockedSku();
        var body = Reservation(LocationLine(s.Sku, 1, s.Location));
        body["reservationKey"] = new string('k', 201);
        await ExpectRefused(body, "reservationKey", s);
        body["reservationKey"] = "   ";
        await ExpectRefused(body, "reservationKey", s);
    }

    [Fact]
    public async Task No_lines_empty_lines_and_a_null_line_are_named()
    {
        var s = await StockedSku();
        await ExpectRefused(new JsonObject(), "lines", s);
        await ExpectRefused(new JsonObject { ["lines"] = new JsonArray() }, "lines", s);
        await ExpectRefused(new JsonObject { ["lines"] = new JsonArray(LocationLine(s.Sku, 1, s.Location), null) }, "lines[1]", s);
    }

    [Fact]
    public async Task More_than_200_lines_are_refused()
    {
        var s = await StockedSku();
        var skus = Enumerable.Range(0, 201).Select(i => $"{s.Sku}-{i}").ToList();
        await ExpectRefused(Reservation([.. skus.Select(sku => LocationLine(sku, 1, s.Location))]), "lines", s);
    }

    [Fact]
    public async Task Malformed_json_is_400_malformed_json()
    {
        var s = await StockedSku();
        await (await _admin.PostRaw(Reservations, "{\"lines\": [{\"sku\": ")).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
        await AssertUnchanged(s);
    }

    [Fact]
    public async Task A_string_for_a_number_names_the_field()
    {
        var s = await StockedSku();
        var line = LocationLine(s.Sku, 1, s.Location);
        line["quantity"] = "two";
        await ExpectRefused(Reservation(line), "lines[0].quantity", s);
    }

    [Fact]
    public async Task No_body_is_400()
    {
        var s = await StockedSku();
        await (await _admin.PostJson(Reservations, null)).ExpectFieldError("body");
        await AssertUnchanged(s);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_and_a_method_the_path_does_not_take_is_405()
    {
        var s = await StockedSku();
        await (await _admin.PostRaw(Reservations, "sku=x", "text/plain")).ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var id = (await _admin.Reserve(Reservation(LocationLine(s.Sku, 1, s.Location))))["id"].Str();
        var response = await _admin.DeleteAsync($"{Reservations}/{id}");
        await response.ExpectProblem(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Contains("GET", response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var allow) ? allow : []));
        Assert.Equal(Figures.With(10, reserved: 1), await _admin.AtLocation(s.Sku, s.Location));
    }

    [Fact]
    public async Task Without_a_key_it_is_401_and_as_a_viewer_403()
    {
        var s = await StockedSku();
        var body = Reservation(LocationLine(s.Sku, 1, s.Location));
        await (await server.Client(key: null).PostJson(Reservations, body)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson(Reservations, body)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await AssertUnchanged(s);
    }

    [Fact]
    public async Task Only_an_admin_may_transfer_or_fulfill_and_a_viewer_may_not_release()
    {
        var s = await StockedSku();
        var id = (await _admin.Reserve(Reservation(LocationLine(s.Sku, 2, s.Location))))["id"].Str();
        var storefront = await server.ClientWithRole("storefront");
        var viewer = await server.ClientWithRole("viewer");
        var other = await _admin.PutLocation();
        var transfer = Lines(Transfer(s.Sku, 1, s.Location, other));
        transfer["ignoreAvailability"] = true;
        await (await storefront.PostJson($"{Reservations}/{id}/transfer", transfer)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await storefront.PostJson($"{Reservations}/{id}/fulfill", Lines(LocationLine(s.Sku, 1, s.Location)))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await viewer.PostJson($"{Reservations}/{id}/release", null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(Figures.With(10, reserved: 2), await _admin.AtLocation(s.Sku, s.Location));
    }

    [Fact]
    public async Task Bad_release_lines_are_named_and_release_nothing()
    {
        var s = await StockedSku();
        var id = (await _admin.Reserve(Reservation(LocationLine(s.Sku, 2, s.Location))))["id"].Str();
        await (await _admin.PostJson($"{Reservations}/{id}/release", Lines(LocationLine(s.Sku, 0, s.Location)))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson($"{Reservations}/{id}/release", Lines(new JsonObject { ["sku"] = s.Sku, ["quantity"] = 1 }))).ExpectFieldError("lines[0].location");
        Assert.Equal(Figures.With(10, reserved: 2), await _admin.AtLocation(s.Sku, s.Location));
    }
}

public sealed class ReservationBadInputOnSqlite(SqliteServer server) : ReservationBadInputTests(server), IClassFixture<SqliteServer>;

public sealed class ReservationBadInputOnPostgres(PostgresServer server) : ReservationBadInputTests(server), IClassFixture<PostgresServer>;
