using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Creating reservations: where they hold stock, idempotency by key, all or nothing, partial.</summary>
public abstract class ReservationTests(WaybillServer server)
{
    private const HttpStatusCode Unprocessable = (HttpStatusCode)422;
    private readonly HttpClient _admin = server.Client();

    private static readonly string[] DocumentedFields = ["id", "status", "expiresAt", "lines"];

    /// <summary>Two locations in a custom group, each with <paramref name="each"/> of a new SKU.</summary>
    private async Task<(string One, string Two, string Group, string Sku)> TwoLocationsInAGroup(int each)
    {
        var (one, two) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(one, two);
        var sku = NewSku();
        await _admin.PutStock(one, sku, each);
        await _admin.PutStock(two, sku, each);
        return (one, two, group, sku);
    }

    [Fact]
    public async Task A_reservation_at_a_location_is_201_and_lowers_atf_there_and_in_every_group_containing_it()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(10);
        var response = await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 3, one)));
        var created = await response.Expect(HttpStatusCode.Created);
        foreach (var field in DocumentedFields) Assert.True(created.ContainsKey(field), $"'{field}' is missing");
        Assert.Equal("active", created["status"].Str());
        Assert.Null(created["expiresAt"]);
        var line = Assert.Single(created["lines"]!.AsArray())!.AsObject();
        Assert.Equal(sku, line["sku"].Str());
        Assert.Equal(3, line["quantity"].Int());
        Assert.Equal(one, line["location"].Str());
        Assert.Null(line["group"]);
        Assert.Equal($"/api/v1/inventory/reservations/{created["id"].Str()}", response.Headers.Location?.OriginalString);

        Assert.Equal(Figures.With(10, reserved: 3), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, two));
        Assert.Equal(Figures.With(20, reserved: 3), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(20, reserved: 3), await _admin.AtGroup(sku, "all"));
        Assert.True(JsonNode.DeepEquals(created, await _admin.GetReservation(created["id"].Str())));
    }

    [Fact]
    public async Task A_reservation_at_a_group_holds_stock_of_the_group_not_of_a_location()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(10);
        var created = await _admin.Reserve(Reservation(GroupLine(sku, 15, group)));
        var line = created.Line(sku, group: group);
        Assert.Equal(15, line["quantity"].Int());
        Assert.Null(line["location"]);

        Assert.Equal(Figures.With(20, reserved: 15), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, two));
    }

    [Fact]
    public async Task A_reservation_at_all_holds_the_stock_of_every_active_location()
    {
        var (_, _, _, sku) = await TwoLocationsInAGroup(4);
        await _admin.Reserve(Reservation(GroupLine(sku, 8, "all")));
        Assert.Equal(Figures.With(8, reserved: 8), await _admin.AtGroup(sku, "all"));
        await (await _admin.PostJson(Reservations, Reservation(GroupLine(sku, 1, "all")))).ExpectProblem(Unprocessable, "insufficient_inventory");
    }

    [Fact]
    public async Task An_expiry_is_answered_as_a_time()
    {
        var (one, _, _, sku) = await TwoLocationsInAGroup(5);
        var body = Reservation(LocationLine(sku, 1, one));
        body["expiresInSeconds"] = 900;
        var before = DateTimeOffset.UtcNow;
        var created = await _admin.Reserve(body);
        var expiresAt = DateTimeOffset.Parse(created["expiresAt"].Str(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith("Z", created["expiresAt"].Str());
        Assert.InRange(expiresAt, before.AddSeconds(899), DateTimeOffset.UtcNow.AddSeconds(901));
    }

    [Fact]
    public async Task The_same_reservation_key_again_answers_200_with_the_same_reservation_and_holds_nothing_more()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var key = "cart-" + Guid.NewGuid().ToString("N");
        var body = Reservation(LocationLine(sku, 4, one));
        body["reservationKey"] = key;
        var created = await _admin.Reserve(body);

        var again = await (await _admin.PostJson(Reservations, body)).Expect(HttpStatusCode.OK);
        Assert.Equal(created["id"].Str(), again["id"].Str());
        Assert.Equal(4, again.Line(sku, location: one)["quantity"].Int());
        // A different body under the same key is the same reservation too: the key is the cart.
        var other = Reservation(LocationLine(sku, 6, one));
        other["reservationKey"] = key;
        Assert.Equal(created["id"].Str(), (await (await _admin.PostJson(Reservations, other)).Expect(HttpStatusCode.OK))["id"].Str());

        Assert.Equal(Figures.With(10, reserved: 4), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(20, reserved: 4), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_hold_the_stock_once()
    {
        var (one, _, _, sku) = await TwoLocationsInAGroup(50);
        var body = Reservation(LocationLine(sku, 5, one));
        body["reservationKey"] = "cart-" + Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _admin.PostJson(Reservations, body)));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var ids = new HashSet<string>();
        foreach (var r in responses) ids.Add((await r.Json())["id"].Str());
        Assert.Single(ids);
        Assert.Equal(Figures.With(50, reserved: 5), await _admin.AtLocation(sku, one));
    }

    [Fact]
    public async Task Not_enough_stock_is_422_with_the_short_lines_and_nothing_reserved()
    {
        var location = await _admin.PutLocation();
        var (plenty, scarce) = (NewSku("A"), NewSku("B"));
        await _admin.PutStock(location, plenty, 10);
        await _admin.PutStock(location, scarce, 3, 1);

        var problem = await (await _admin.PostJson(Reservations, Reservation(LocationLine(plenty, 5, location), LocationLine(scarce, 3, location))))
            .ExpectProblem(Unprocessable, "insufficient_inventory");
        var shortLine = Assert.Single(problem["shortLines"]!.AsArray())!.AsObject();
        Assert.Equal(1, shortLine["line"].Int());
        Assert.Equal(scarce, shortLine["sku"].Str());
        Assert.Equal(location, shortLine["location"].Str());
        Assert.Equal(3, shortLine["requested"].Int());
        Assert.Equal(2, shortLine["available"].Long());

        // The line that could be held was not: all or nothing.
        Assert.Equal(Figures.With(10), await _admin.AtLocation(plenty, location));
        Assert.Equal(Figures.With(3, safetyStock: 1), await _admin.AtLocation(scarce, location));
        Assert.Equal(Figures.With(10), await _admin.AtGroup(plenty, "all"));
    }

    [Fact]
    public async Task Allow_partial_holds_what_there_is_and_lists_the_short_lines()
    {
        var location = await _admin.PutLocation();
        var (plenty, scarce, none) = (NewSku("A"), NewSku("B"), NewSku("C"));
        await _admin.PutStock(location, plenty, 10);
        await _admin.PutStock(location, scarce, 3);
        await _admin.PutStock(location, none, 0);
        var body = Reservation(LocationLine(plenty, 5, location), LocationLine(scarce, 8, location), LocationLine(none, 1, location));
        body["allowPartial"] = true;

        var created = await _admin.Reserve(body);
        Assert.Equal(5, created.Line(plenty, location: location)["quantity"].Int());
        Assert.Equal(3, created.Line(scarce, location: location)["quantity"].Int());
        var shortLines = created["shortLines"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal([1, 2], shortLines.Select(s => s["line"].Int()));
        Assert.Equal(8, shortLines[0]["requested"].Int());
        Assert.Equal(3, shortLines[0]["available"].Long());

        Assert.Equal(Figures.With(10, reserved: 5), await _admin.AtLocation(plenty, location));
        Assert.Equal(Figures.With(3, reserved: 3), await _admin.AtLocation(scarce, location));
    }

    [Fact]
    public async Task Allow_partial_with_nothing_available_at_all_is_422()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 0);
        var body = Reservation(LocationLine(sku, 2, location));
        body["allowPartial"] = true;
        await (await _admin.PostJson(Reservations, body)).ExpectProblem(Unprocessable, "insufficient_inventory");
    }

    [Fact]
    public async Task Safety_stock_is_never_reserved()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 5, 2);
        await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 4, location)))).ExpectProblem(Unprocessable, "insufficient_inventory");
        await _admin.Reserve(Reservation(LocationLine(sku, 3, location)));
    }

    [Fact]
    public async Task A_location_reservation_fails_when_a_group_containing_it_is_used_up_by_a_group_reservation()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(5);
        await _admin.Reserve(Reservation(GroupLine(sku, 10, group)));
        // Each location still shows 5 on its own; the group counted on all of it.
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, one));

        var problem = await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 1, one)))).ExpectProblem(Unprocessable, "insufficient_inventory");
        Assert.Equal(0, Assert.Single(problem["shortLines"]!.AsArray())!["available"].Long());
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, two));
        Assert.Equal(Figures.With(10, reserved: 10), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(10, reserved: 10), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task A_location_reservation_may_take_what_a_group_reservation_left()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(5);
        await _admin.Reserve(Reservation(GroupLine(sku, 7, group)));
        await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 4, one)))).ExpectProblem(Unprocessable, "insufficient_inventory");
        await _admin.Reserve(Reservation(LocationLine(sku, 3, one)));
        Assert.Equal(Figures.With(10, reserved: 10), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task A_group_reservation_fails_when_location_reservations_used_up_the_group()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(5);
        await _admin.Reserve(Reservation(LocationLine(sku, 5, one), LocationLine(sku, 2, two)));
        await (await _admin.PostJson(Reservations, Reservation(GroupLine(sku, 4, group)))).ExpectProblem(Unprocessable, "insufficient_inventory");
        await _admin.Reserve(Reservation(GroupLine(sku, 3, group)));
        Assert.Equal(Figures.With(10, reserved: 10), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task Overlapping_groups_never_sell_the_same_stock_twice()
    {
        // One location, 10 on hand, in a custom group and in `all`. A group reservation counts on the location's stock,
        // so a reservation at any other group holding the location must see it taken: domain.md "Nothing oversells".
        // `all` counts every group's reservations, and every group reservation must fit in `all` too (decision 0009).
        var location = await _admin.PutLocation();
        var group = await _admin.PutGroup(location);
        var sku = NewSku();
        await _admin.PutStock(location, sku, 10);
        await _admin.Reserve(Reservation(GroupLine(sku, 10, group)));

        await (await _admin.PostJson(Reservations, Reservation(GroupLine(sku, 10, "all")))).ExpectProblem(Unprocessable, "insufficient_inventory");
        var other = await _admin.PutGroup(location);
        await (await _admin.PostJson(Reservations, Reservation(GroupLine(sku, 10, other)))).ExpectProblem(Unprocessable, "insufficient_inventory");
    }

    [Fact]
    public async Task Concurrent_reservations_never_oversell()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var attempts = Enumerable.Range(0, 30).Select(i => _admin.PostJson(Reservations,
            Reservation(i % 2 == 0 ? LocationLine(sku, 1, one) : GroupLine(sku, 1, group))));
        var responses = await Task.WhenAll(attempts);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or Unprocessable, r.StatusCode.ToString()));
        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var atGroup = await _admin.AtGroup(sku, group);
        Assert.Equal(Figures.With(20, reserved: 20), atGroup);
        Assert.True((await _admin.AtLocation(sku, one)).AvailableToFulfill >= 0);
    }

    [Fact]
    public async Task Storefront_may_create_read_and_release_reservations()
    {
        var (one, _, _, sku) = await TwoLocationsInAGroup(5);
        var storefront = await server.ClientWithRole("storefront");
        var created = await storefront.Reserve(Reservation(LocationLine(sku, 2, one)));
        await storefront.GetReservation(created["id"].Str());
        await (await storefront.PostJson($"{Reservations}/{created["id"].Str()}/release", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(5), await _admin.AtLocation(sku, one));
    }

    [Fact]
    public async Task An_unknown_reservation_is_404()
    {
        var id = Guid.NewGuid().ToString("N");
        await (await _admin.GetAsync($"{Reservations}/{id}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.PostJson($"{Reservations}/{id}/release", null)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class ReservationsOnSqlite(SqliteServer server) : ReservationTests(server), IClassFixture<SqliteServer>;

public sealed class ReservationsOnPostgres(PostgresServer server) : ReservationTests(server), IClassFixture<PostgresServer>;
