using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Inventory;

/// <summary>What happens to a reservation after it is made: release, transfer, fulfill, expiry, and the events stock changes send.</summary>
public abstract class ReservationActionsTests(WaybillServer server)
{
    private const HttpStatusCode Unprocessable = (HttpStatusCode)422;
    private readonly HttpClient _admin = server.Client();

    private async Task<(string One, string Two, string Group, string Sku)> TwoLocationsInAGroup(int each)
    {
        var (one, two) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(one, two);
        var sku = NewSku();
        await _admin.PutStock(one, sku, each);
        await _admin.PutStock(two, sku, each);
        return (one, two, group, sku);
    }

    private Task<HttpResponseMessage> Act(string id, string action, JsonObject? body) => _admin.PostJson($"{Reservations}/{id}/{action}", body);

    private static JsonObject TransferBody(bool? ignoreAvailability, params JsonObject[] lines)
    {
        var body = Lines(lines);
        if (ignoreAvailability is not null) body["ignoreAvailability"] = ignoreAvailability;
        return body;
    }

    private static JsonObject FulfillLine(string sku, int quantity, string location) => new() { ["sku"] = sku, ["quantity"] = quantity, ["location"] = location };

    [Fact]
    public async Task Release_without_a_body_gives_everything_back_and_ends_it_released()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 3, one), GroupLine(sku, 4, group))))["id"].Str();

        var released = await (await Act(id, "release", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("released", released["status"].Str());
        Assert.All(released["lines"]!.AsArray(), l => Assert.Equal(0, l!["quantity"].Int()));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(20), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(20), await _admin.AtGroup(sku, "all"));
        Assert.Equal("released", (await _admin.GetReservation(id))["status"].Str());
    }

    [Fact]
    public async Task Release_of_some_lines_gives_those_back_and_keeps_it_active()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 5, one), GroupLine(sku, 4, group))))["id"].Str();

        var released = await (await Act(id, "release", Lines(LocationLine(sku, 2, one), GroupLine(sku, 4, group)))).Expect(HttpStatusCode.OK);
        Assert.Equal("active", released["status"].Str());
        Assert.Equal(3, released.Line(sku, location: one)["quantity"].Int());
        Assert.Equal(0, released.Line(sku, group: group)["quantity"].Int());
        Assert.Equal(Figures.With(10, reserved: 3), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(20, reserved: 3), await _admin.AtGroup(sku, group));

        // An empty list of lines is "all", like no body.
        var rest = await (await Act(id, "release", new JsonObject { ["lines"] = new JsonArray() })).Expect(HttpStatusCode.OK);
        Assert.Equal("released", rest["status"].Str());
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, one));
    }

    [Fact]
    public async Task Releasing_more_than_is_held_is_422_and_changes_nothing()
    {
        var (one, two, _, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 3, one))))["id"].Str();
        await (await Act(id, "release", Lines(LocationLine(sku, 4, one)))).ExpectProblem(Unprocessable, "quantity_exceeds_remaining");
        // Held at another place than named is not held at all.
        await (await Act(id, "release", Lines(LocationLine(sku, 1, two)))).ExpectProblem(Unprocessable, "quantity_exceeds_remaining");
        // Two lines that each fit but together do not.
        await (await Act(id, "release", Lines(LocationLine(sku, 2, one), LocationLine(sku, 2, one)))).ExpectProblem(Unprocessable, "quantity_exceeds_remaining");

        var reservation = await _admin.GetReservation(id);
        Assert.Equal("active", reservation["status"].Str());
        Assert.Equal(3, reservation.Line(sku, location: one)["quantity"].Int());
        Assert.Equal(Figures.With(10, reserved: 3), await _admin.AtLocation(sku, one));
    }

    [Fact]
    public async Task Transfer_from_a_group_to_a_member_location_moves_the_hold_and_leaves_the_group_as_it_was()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(GroupLine(sku, 6, group))))["id"].Str();
        Assert.Equal(Figures.With(20, reserved: 6), await _admin.AtGroup(sku, group));

        var moved = await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 4, group, one)))).Expect(HttpStatusCode.OK);
        Assert.Equal("active", moved["status"].Str());
        Assert.Equal(2, moved.Line(sku, group: group)["quantity"].Int());
        Assert.Equal(4, moved.Line(sku, location: one)["quantity"].Int());

        Assert.Equal(Figures.With(10, reserved: 4), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, two));
        Assert.Equal(Figures.With(20, reserved: 6), await _admin.AtGroup(sku, group));
        // `all` counted the group's hold before and counts the group's rest and the location's hold now: no change.
        Assert.Equal(Figures.With(20, reserved: 6), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task Transfer_from_a_group_that_lost_stock_to_a_member_that_has_it_still_succeeds()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(GroupLine(sku, 20, group))))["id"].Str();
        // A count finds nothing at the second location: the group now holds more than it has.
        await _admin.PutStock(two, sku, 0);
        Assert.Equal(-10, (await _admin.AtGroup(sku, group)).AvailableToFulfill);

        // Routing what the first location does have takes nothing from the group it was not already holding.
        var moved = await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 10, group, one)))).Expect(HttpStatusCode.OK);
        Assert.Equal(10, moved.Line(sku, location: one)["quantity"].Int());
        Assert.Equal(Figures.With(10, reserved: 10), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10, reserved: 20), await _admin.AtGroup(sku, group));
        // Nothing more can be held at that location, or at the group, while it is short.
        await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 1, one)))).ExpectProblem(Unprocessable, "insufficient_inventory");
        await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 1, group, two)))).ExpectProblem(Unprocessable, "insufficient_inventory");
    }

    [Fact]
    public async Task Transfer_from_a_location_to_another_moves_the_atf()
    {
        var (one, two, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 5, one))))["id"].Str();

        var moved = await (await Act(id, "transfer", TransferBody(false, Transfer(sku, 3, one, two)))).Expect(HttpStatusCode.OK);
        Assert.Equal(2, moved.Line(sku, location: one)["quantity"].Int());
        Assert.Equal(3, moved.Line(sku, location: two)["quantity"].Int());
        Assert.Equal(Figures.With(10, reserved: 2), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10, reserved: 3), await _admin.AtLocation(sku, two));
        Assert.Equal(Figures.With(20, reserved: 5), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(20, reserved: 5), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task Transfer_to_a_location_without_the_stock_is_422_unless_availability_is_ignored()
    {
        var (one, _, _, sku) = await TwoLocationsInAGroup(10);
        var empty = await _admin.PutLocation();
        await _admin.PutStock(empty, sku, 1);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 5, one))))["id"].Str();

        var problem = await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 3, one, empty)))).ExpectProblem(Unprocessable, "insufficient_inventory");
        var shortLine = Assert.Single(problem["shortLines"]!.AsArray())!;
        Assert.Equal(empty, shortLine["location"].Str());
        Assert.Equal(1, shortLine["available"].Long());
        var unchanged = await _admin.GetReservation(id);
        Assert.Equal(5, unchanged.Line(sku, location: one)["quantity"].Int());
        Assert.Single(unchanged["lines"]!.AsArray());
        Assert.Equal(Figures.With(10, reserved: 5), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(1), await _admin.AtLocation(sku, empty));

        var forced = await (await Act(id, "transfer", TransferBody(true, Transfer(sku, 3, one, empty)))).Expect(HttpStatusCode.OK);
        Assert.Equal(3, forced.Line(sku, location: empty)["quantity"].Int());
        Assert.Equal(Figures.With(1, reserved: 3), await _admin.AtLocation(sku, empty));
        Assert.Equal(-2, (await _admin.AtLocation(sku, empty)).AvailableToFulfill);
        Assert.Equal(Figures.With(10, reserved: 2), await _admin.AtLocation(sku, one));
    }

    [Fact]
    public async Task Transfer_of_more_than_is_held_is_422_and_to_the_same_place_or_an_unknown_location_is_400()
    {
        var (one, two, _, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 2, one))))["id"].Str();
        await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 3, one, two)))).ExpectProblem(Unprocessable, "quantity_exceeds_remaining");
        await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 1, one, one)))).ExpectFieldError("lines[0].to");
        await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 1, one, MasterData.NewCode("NOPE"))))).ExpectFieldError("lines[0].to");
        await (await Act(id, "transfer", new JsonObject())).ExpectFieldError("lines");
        Assert.Equal(Figures.With(10, reserved: 2), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, two));
    }

    [Fact]
    public async Task Fulfill_lowers_on_hand_and_reserved_together_and_ends_it_fulfilled()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 4, one))))["id"].Str();

        var part = await (await Act(id, "fulfill", Lines(FulfillLine(sku, 3, one)))).Expect(HttpStatusCode.OK);
        Assert.Equal("active", part["status"].Str());
        Assert.Equal(1, part.Line(sku, location: one)["quantity"].Int());
        Assert.Equal(3, part.Line(sku, location: one)["quantityFulfilled"].Int());
        Assert.Equal(Figures.With(7, reserved: 1), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(17, reserved: 1), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(17, reserved: 1), await _admin.AtGroup(sku, "all"));

        var done = await (await Act(id, "fulfill", Lines(FulfillLine(sku, 1, one)))).Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", done["status"].Str());
        Assert.Equal(Figures.With(6), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(16), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task Fulfill_after_releasing_the_rest_still_ends_fulfilled()
    {
        var (one, _, _, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 4, one))))["id"].Str();
        await (await Act(id, "fulfill", Lines(FulfillLine(sku, 1, one)))).Expect(HttpStatusCode.OK);
        var rest = await (await Act(id, "release", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", rest["status"].Str());
        Assert.Equal(Figures.With(9), await _admin.AtLocation(sku, one));
    }

    [Fact]
    public async Task Fulfill_from_a_group_line_is_400_until_it_is_transferred_to_a_location()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(GroupLine(sku, 2, group))))["id"].Str();
        await (await Act(id, "fulfill", Lines(GroupLine(sku, 2, group)))).ExpectFieldError("lines[0].location");
        await (await Act(id, "fulfill", Lines(FulfillLine(sku, 2, group)))).ExpectFieldError("lines[0].location");
        // Fulfilling more than a line holds, or at a location that holds nothing of it, is the business rule.
        await (await Act(id, "fulfill", Lines(FulfillLine(sku, 2, one)))).ExpectProblem(Unprocessable, "quantity_exceeds_remaining");
        Assert.Equal(Figures.With(20, reserved: 2), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, one));

        await (await Act(id, "transfer", TransferBody(null, Transfer(sku, 2, group, one)))).Expect(HttpStatusCode.OK);
        var done = await (await Act(id, "fulfill", Lines(FulfillLine(sku, 2, one)))).Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", done["status"].Str());
        Assert.Equal(Figures.With(18), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task Actions_on_a_released_reservation_are_409_invalid_transition()
    {
        var (one, two, _, sku) = await TwoLocationsInAGroup(10);
        var id = (await _admin.Reserve(Reservation(LocationLine(sku, 2, one))))["id"].Str();
        await (await Act(id, "release", null)).Expect(HttpStatusCode.OK);

        await (await Act(id, "release", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await Act(id, "release", Lines(LocationLine(sku, 1, one)))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await Act(id, "transfer", TransferBody(true, Transfer(sku, 1, one, two)))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await Act(id, "fulfill", Lines(FulfillLine(sku, 1, one)))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, two));
    }

    [Fact]
    public async Task A_reservation_expires_gives_its_stock_back_and_says_so_in_the_feed()
    {
        var (one, _, group, sku) = await TwoLocationsInAGroup(10);
        var body = Reservation(LocationLine(sku, 3, one), GroupLine(sku, 2, group));
        body["expiresInSeconds"] = 1;
        var id = (await _admin.Reserve(body))["id"].Str();
        Assert.Equal(Figures.With(20, reserved: 5), await _admin.AtGroup(sku, group));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonObject reservation;
        do
        {
            await Task.Delay(200);
            reservation = await _admin.GetReservation(id);
        } while (reservation["status"].Str() != "expired" && DateTime.UtcNow < deadline);
        Assert.Equal("expired", reservation["status"].Str());
        Assert.All(reservation["lines"]!.AsArray(), l => Assert.Equal(0, l!["quantity"].Int()));

        Assert.Equal(Figures.With(10), await _admin.AtLocation(sku, one));
        Assert.Equal(Figures.With(20), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(20), await _admin.AtGroup(sku, "all"));

        var events = await _admin.AllEvents($"&subject={id}&types=reservation.expired", atLeast: 1);
        var expired = Assert.Single(events);
        Assert.Equal(id, expired["data"]!["id"].Str());
        Assert.Equal("expired", expired["data"]!["status"].Str());

        await (await Act(id, "release", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await Act(id, "fulfill", Lines(FulfillLine(sku, 1, one)))).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Availability_changes_are_announced_coalesced_per_location_and_sku()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 100);
        for (var i = 0; i < 20; i++) await _admin.Reserve(Reservation(LocationLine(sku, 1, location)));

        var subject = Uri.EscapeDataString($"{location}/{sku}");
        // Wait for the announcement of the last state: every reservation made, 20 reserved.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<JsonObject> events;
        do
        {
            events = await _admin.AllEvents($"&subject={subject}&types=inventory.availability_changed", atLeast: 1);
            if (events.Count > 0 && events[^1]["data"]!["reserved"].Long() == 20) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);

        Assert.NotEmpty(events);
        var last = events[^1]["data"]!.AsObject();
        Assert.Equal(Figures.With(100, reserved: 20), Figures.Of(last));
        Assert.Equal(location, last["location"].Str());
        Assert.Equal(sku, last["sku"].Str());
        // 21 changes (the count and 20 reservations) in a second or two: a handful of events, not one a change.
        Assert.True(events.Count < 10, $"{events.Count} availability_changed events for 21 changes");
        // Each announcement says what the one before announced (none before the first), so a flow can tell a rise
        // (stock arrived) from a fall (reserved).
        Assert.Null(events[0]["data"]!["previousAvailableToFulfill"]);
        for (var i = 1; i < events.Count; i++)
            Assert.Equal(events[i - 1]["data"]!["availableToFulfill"].Long(), events[i]["data"]!["previousAvailableToFulfill"].Long());
    }

    [Fact]
    public async Task Low_stock_is_announced_once_when_atf_falls_below_the_threshold()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 10);
        var subject = Uri.EscapeDataString($"{location}/{sku}");
        await _admin.AllEvents($"&subject={subject}&types=inventory.availability_changed", atLeast: 1);

        await _admin.Reserve(Reservation(LocationLine(sku, 6, location)));
        var lowStock = await _admin.AllEvents($"&subject={subject}&types=inventory.low_stock", atLeast: 1);
        Assert.Equal(4, Assert.Single(lowStock)["data"]!["stock"]!["availableToFulfill"].Long());

        // Falling further below is not announced again.
        await _admin.Reserve(Reservation(LocationLine(sku, 1, location)));
        await _admin.AllEvents($"&subject={subject}&types=inventory.availability_changed", atLeast: 3);
        Assert.Single(await _admin.AllEvents($"&subject={subject}&types=inventory.low_stock"));
    }
}

public sealed class ReservationActionsOnSqlite(SqliteServer server) : ReservationActionsTests(server), IClassFixture<SqliteServer>;

public sealed class ReservationActionsOnPostgres(PostgresServer server) : ReservationActionsTests(server), IClassFixture<PostgresServer>;
