using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using static Waybill.Server.Tests.Inventory.InventorySetup;

namespace Waybill.Server.Tests.Inventory;

/// <summary><c>GET /inventory/availability</c>: a row for every requested pair, and group figures that follow their locations.</summary>
public abstract class AvailabilityTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static string Query(string skus, string? locations = null, string? groups = null) =>
        $"/api/v1/inventory/availability?skus={skus}" + (locations is null ? "" : $"&locations={locations}") + (groups is null ? "" : $"&groups={groups}");

    private Task<HttpResponseMessage> Put(string location, JsonObject body) => _admin.PutJson($"/api/v1/locations/{location}", body);

    [Fact]
    public async Task Every_requested_pair_gets_a_row_with_zeros_where_there_is_no_stock()
    {
        var stocked = await _admin.PutLocation();
        var empty = await _admin.PutLocation();
        var group = await _admin.PutGroup(stocked, empty);
        var (a, b) = (NewSku(), NewSku());
        await _admin.PutStock(stocked, a, 6, 1);

        var rows = await _admin.Availability([a, b], locations: [stocked, empty], groups: [group]);
        Assert.Equal(6, rows.Count);
        foreach (var row in rows)
        {
            Assert.True(row.ContainsKey("location") && row.ContainsKey("group"), row.ToJsonString());
            Assert.True(row["location"] is null != row["group"] is null, row.ToJsonString());
            Assert.Empty(row["futures"]!.AsArray());
        }
        Figures At(string sku, string? location = null, string? g = null) => Figures.Of(Assert.Single(rows,
            r => r["sku"].Str() == sku && r["location"]?.GetValue<string>() == location && r["group"]?.GetValue<string>() == g));

        Assert.Equal(Figures.With(6, safetyStock: 1), At(a, location: stocked));
        Assert.Equal(Figures.Zero, At(a, location: empty));
        Assert.Equal(Figures.With(6, safetyStock: 1), At(a, g: group));
        Assert.Equal(Figures.Zero, At(b, location: stocked));
        Assert.Equal(Figures.Zero, At(b, location: empty));
        Assert.Equal(Figures.Zero, At(b, g: group));
    }

    [Fact]
    public async Task A_sku_or_place_named_twice_gets_one_row()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 2);
        var rows = await (await _admin.GetAsync(Query($"{sku},{sku}", $"{location},{location}"))).Expect(HttpStatusCode.OK);
        Assert.Single(rows["items"]!.AsArray());
    }

    [Fact]
    public async Task The_group_all_sums_every_active_location()
    {
        var (one, two) = (await _admin.PutLocation(), await _admin.PutLocation());
        var inactive = await _admin.PutLocation(active: false);
        var sku = NewSku();
        await _admin.PutStock(one, sku, 5, 1);
        await _admin.PutStock(two, sku, 7, 2);
        await _admin.PutStock(inactive, sku, 100);
        Assert.Equal(Figures.With(12, safetyStock: 3), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task A_custom_group_sums_its_member_locations_only()
    {
        var (one, two, outside) = (await _admin.PutLocation(), await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(one, two);
        var sku = NewSku();
        await _admin.PutStock(one, sku, 5);
        await _admin.PutStock(two, sku, 7, 2);
        await _admin.PutStock(outside, sku, 40);
        await _admin.Reserve(Reservation(LocationLine(sku, 3, one), LocationLine(sku, 4, outside)));
        // reserved: 3 at a member; the 4 held outside the group do not count in it.
        Assert.Equal(Figures.With(12, reserved: 3, safetyStock: 2), await _admin.AtGroup(sku, group));
        Assert.Equal(Figures.With(52, reserved: 7, safetyStock: 2), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task Deactivating_a_location_takes_its_stock_out_of_all_and_reactivating_puts_it_back()
    {
        var (staying, leaving) = (await _admin.PutLocation(), await _admin.PutLocation());
        var sku = NewSku();
        await _admin.PutStock(staying, sku, 5);
        await _admin.PutStock(leaving, sku, 7, 1);
        await _admin.Reserve(Reservation(LocationLine(sku, 2, leaving)));
        Assert.Equal(Figures.With(12, reserved: 2, safetyStock: 1), await _admin.AtGroup(sku, "all"));

        await (await Put(leaving, MasterData.Location(active: false))).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(5), await _admin.AtGroup(sku, "all"));
        // Its own figures are kept.
        Assert.Equal(Figures.With(7, reserved: 2, safetyStock: 1), await _admin.AtLocation(sku, leaving));

        await (await Put(leaving, MasterData.Location(active: true))).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(12, reserved: 2, safetyStock: 1), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task Deactivating_a_location_takes_its_stock_out_of_its_custom_groups()
    {
        var (staying, leaving) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(staying, leaving);
        var sku = NewSku();
        await _admin.PutStock(staying, sku, 5);
        await _admin.PutStock(leaving, sku, 7);
        Assert.Equal(Figures.With(12), await _admin.AtGroup(sku, group));

        await (await Put(leaving, MasterData.Location(active: false))).Expect(HttpStatusCode.OK);
        // domain: an inactive location keeps its memberships, but its stock does not sell, in `all` or anywhere else.
        Assert.Equal(Figures.With(5), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task Stock_that_changed_while_a_location_was_inactive_counts_as_it_is_when_it_comes_back()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 10);
        var reservation = await _admin.Reserve(Reservation(LocationLine(sku, 4, location)));
        await (await Put(location, MasterData.Location(active: false))).Expect(HttpStatusCode.OK);

        await _admin.PutStock(location, sku, 20, 3);
        await (await _admin.PostJson($"{Reservations}/{reservation["id"].Str()}/release", null)).Expect(HttpStatusCode.OK);

        await (await Put(location, MasterData.Location(active: true))).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(20, safetyStock: 3), await _admin.AtLocation(sku, location));
        Assert.Equal(Figures.With(20, safetyStock: 3), await _admin.AtGroup(sku, "all"));
    }

    [Fact]
    public async Task Changing_a_groups_members_changes_its_sums()
    {
        var (one, two) = (await _admin.PutLocation(), await _admin.PutLocation());
        var sku = NewSku();
        await _admin.PutStock(one, sku, 5);
        await _admin.PutStock(two, sku, 7, 1);
        await _admin.Reserve(Reservation(LocationLine(sku, 2, two)));
        // The group is made after the stock: its sums must still count its members' stock.
        var group = await _admin.PutGroup(one);
        Assert.Equal(Figures.With(5), await _admin.AtGroup(sku, group));

        var body = new JsonObject { ["name"] = "Grown", ["locations"] = new JsonArray(one, two) };
        await (await _admin.PutJson($"/api/v1/location-groups/{group}", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(12, reserved: 2, safetyStock: 1), await _admin.AtGroup(sku, group));

        body = new JsonObject { ["name"] = "Shrunk", ["locations"] = new JsonArray(two) };
        await (await _admin.PutJson($"/api/v1/location-groups/{group}", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(Figures.With(7, reserved: 2, safetyStock: 1), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task A_group_created_after_the_stock_counts_it()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 9);
        var group = await _admin.PutGroup(location);
        Assert.Equal(Figures.With(9), await _admin.AtGroup(sku, group));
    }

    [Fact]
    public async Task A_group_with_its_stock_counted_right_never_lets_a_member_oversell()
    {
        // The membership change must not leave the group's row out of step: reservations check it.
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 4);
        var group = await _admin.PutGroup(location);
        await _admin.Reserve(Reservation(GroupLine(sku, 4, group)));
        await (await _admin.PostJson(Reservations, Reservation(LocationLine(sku, 1, location)))).ExpectProblem((HttpStatusCode)422, "insufficient_inventory");
    }

    [Fact]
    public async Task Group_sums_stay_exact_while_locations_come_and_go_under_concurrent_stock_changes()
    {
        var (toggled, moving) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(toggled);
        var (held, counted) = (NewSku("HELD"), NewSku("COUNT"));
        await _admin.PutStock(toggled, held, 30);
        await _admin.PutStock(moving, held, 30);
        var fresh = Enumerable.Range(0, 6).Select(i => NewSku($"NEW{i}")).ToList();

        JsonObject Members(params string[] codes) => new() { ["name"] = "Churning", ["locations"] = new JsonArray([.. codes.Select(c => (JsonNode)c)]) };
        var work = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 6; i++)
        {
            work.Add(Put(toggled, MasterData.Location(active: i % 2 == 1)));
            work.Add(_admin.PutJson($"/api/v1/location-groups/{group}", i % 2 == 0 ? Members(toggled, moving) : Members(toggled)));
            work.Add(_admin.PutJson(StockPath(toggled, fresh[i]), Stock(i + 1)));
            work.Add(_admin.PutJson(StockPath(moving, counted), Stock(10 * i, i)));
            work.Add(_admin.PostJson(Reservations, Reservation(LocationLine(held, 1, toggled))));
            work.Add(_admin.PostJson(Reservations, Reservation(LocationLine(held, 1, moving))));
        }
        foreach (var response in await Task.WhenAll(work))
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Conflict or (HttpStatusCode)422,
                $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        // Settle on a known state, then every sum must be what its members hold.
        await (await Put(toggled, MasterData.Location(active: true))).Expect(HttpStatusCode.OK);
        await (await _admin.PutJson($"/api/v1/location-groups/{group}", Members(toggled, moving))).Expect(HttpStatusCode.OK);
        foreach (var sku in fresh.Append(held).Append(counted))
        {
            var (a, b) = (await _admin.AtLocation(sku, toggled), await _admin.AtLocation(sku, moving));
            var sum = Figures.With(a.OnHand + b.OnHand, a.Reserved + b.Reserved, a.SafetyStock + b.SafetyStock);
            Assert.Equal(sum, await _admin.AtGroup(sku, group));
            Assert.Equal(sum, await _admin.AtGroup(sku, "all"));
        }
    }

    [Fact]
    public async Task At_most_100_skus_a_call()
    {
        var location = await _admin.PutLocation();
        var skus = Enumerable.Range(0, 101).Select(i => $"S{i}").ToList();
        await (await _admin.GetAsync(Query(string.Join(',', skus), location))).ExpectFieldError("skus");
        var rows = await _admin.Availability(skus.Take(100), locations: [location]);
        Assert.Equal(100, rows.Count);
    }

    [Fact]
    public async Task At_most_100_locations_and_groups_a_call()
    {
        var locations = string.Join(',', Enumerable.Range(0, 60).Select(i => $"L{i}"));
        var groups = string.Join(',', Enumerable.Range(0, 41).Select(i => $"G{i}"));
        await (await _admin.GetAsync(Query("A", locations, groups))).ExpectFieldError("locations");
    }

    [Fact]
    public async Task Skus_and_a_place_are_required()
    {
        var location = await _admin.PutLocation();
        await (await _admin.GetAsync($"/api/v1/inventory/availability?locations={location}")).ExpectFieldError("skus");
        await (await _admin.GetAsync(Query("A"))).ExpectFieldError("locations");
    }

    [Fact]
    public async Task Unknown_locations_and_groups_are_400_naming_the_parameter()
    {
        var location = await _admin.PutLocation();
        await (await _admin.GetAsync(Query("A", $"{location},{MasterData.NewCode("NOPE")}"))).ExpectFieldError("locations");
        await (await _admin.GetAsync(Query("A", location, MasterData.NewCode("NOPE")))).ExpectFieldError("groups");
        // A group code is not a location, nor the other way round.
        var group = await _admin.PutGroup(location);
        await (await _admin.GetAsync(Query("A", group))).ExpectFieldError("locations");
        await (await _admin.GetAsync(Query("A", groups: location))).ExpectFieldError("groups");
    }

    [Fact]
    public async Task Storefront_and_viewer_may_read_availability_but_not_without_a_key()
    {
        var location = await _admin.PutLocation();
        var sku = NewSku();
        await _admin.PutStock(location, sku, 3);
        foreach (var role in new[] { "storefront", "viewer" })
        {
            var client = await server.ClientWithRole(role);
            Assert.Equal(Figures.With(3), await client.AtLocation(sku, location));
            Assert.Equal(Figures.With(3), await client.AtGroup(sku, "all"));
        }
        await (await server.Client(key: null).GetAsync(Query(sku, location))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

public sealed class AvailabilityOnSqlite(SqliteServer server) : AvailabilityTests(server), IClassFixture<SqliteServer>;

public sealed class AvailabilityOnPostgres(PostgresServer server) : AvailabilityTests(server), IClassFixture<PostgresServer>;
