using Waybill.Domain.Channels;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;

namespace Waybill.Domain.Tests.Inventory;

public class MasterDataRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Now.AddMinutes(5);

    private static LocationDetails Warehouse(double? latitude = 39.78, double? longitude = -89.65, int priority = 0) =>
        new("Springfield DC", LocationType.Warehouse, null, latitude, longitude, priority, Active: true);

    private static HashSet<string> Known(params string[] codes) => new(codes, StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string[]> ErrorsOf(Action act) => Assert.Throws<DomainValidationException>(act).Errors;

    [Theory]
    [InlineData("WH1", true)]
    [InlineData("store_7.north-2", true)]
    [InlineData("", false)]
    [InlineData("bad code", false)]
    [InlineData("wh/1", false)]
    [InlineData("lager-ö", false)]
    public void Codes_are_letters_digits_and_three_marks(string code, bool wellFormed) =>
        Assert.Equal(wellFormed, Codes.IsWellFormed(code));

    [Fact]
    public void Codes_are_at_most_64_characters()
    {
        Assert.True(Codes.IsWellFormed(new string('a', 64)));
        Assert.False(Codes.IsWellFormed(new string('a', 65)));
    }

    [Fact]
    public void A_replace_sets_every_field_and_moves_the_version_on()
    {
        var location = Location.Create("WH1", Warehouse(), Now);
        Assert.Equal(1, location.Version);
        location.Replace(new LocationDetails("  North  ", LocationType.Store, null, null, null, 7, Active: false), Later);
        Assert.Equal(("North", LocationType.Store, (double?)null, 7, false, 2), (location.Name, location.Type, location.Latitude, location.Priority, location.Active, location.Version));
        Assert.Equal(Now, location.CreatedAt);
        Assert.Equal(Later, location.UpdatedAt);
    }

    [Theory]
    [InlineData(39.78, null, "longitude")]
    [InlineData(null, -89.65, "latitude")]
    [InlineData(-90.01, 0.0, "latitude")]
    [InlineData(0.0, 180.01, "longitude")]
    public void Coordinates_come_in_pairs_and_on_the_globe(double? latitude, double? longitude, string field) =>
        Assert.True(ErrorsOf(() => Location.Create("WH1", Warehouse(latitude, longitude), Now)).ContainsKey(field));

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public void Priority_runs_from_0_to_a_million(int priority) =>
        Assert.True(ErrorsOf(() => Location.Create("WH1", Warehouse(priority: priority), Now)).ContainsKey("priority"));

    [Fact]
    public void A_bad_replace_changes_nothing()
    {
        var location = Location.Create("WH1", Warehouse(), Now);
        ErrorsOf(() => location.Replace(Warehouse() with { Name = "" }, Later));
        Assert.Equal(("Springfield DC", 1), (location.Name, location.Version));
    }

    [Fact]
    public void A_group_keeps_the_members_that_stay_and_reads_in_code_order()
    {
        var group = LocationGroup.Create("WEB", "Web", ["WH2", "STORE7", "WH1"], Known("WH1", "WH2", "STORE7"), Now);
        Assert.Equal(["STORE7", "WH1", "WH2"], group.Locations);
        var staying = group.Members.Single(m => m.LocationCode == "WH1");

        group.Replace("Web", ["WH1", "WH3"], Known("WH1", "WH3"), Later);
        Assert.Equal(["WH1", "WH3"], group.Locations);
        Assert.Same(staying, group.Members.Single(m => m.LocationCode == "WH1"));
        Assert.Equal(2, group.Version);
    }

    [Fact]
    public void Group_members_must_exist_and_appear_once()
    {
        var errors = ErrorsOf(() => LocationGroup.Create("WEB", "Web", ["WH1", "NOPE", "WH1", ""], Known("WH1"), Now));
        Assert.Equal(["locations[1]", "locations[2]", "locations[3]"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("ALL")]
    public void The_built_in_group_cannot_be_written(string code)
    {
        var refused = Assert.Throws<DomainException>(() => LocationGroup.Create(code, "Mine", [], Known(), Now));
        Assert.Equal("location_group_built_in", refused.Code);
    }

    [Fact]
    public void A_channel_without_a_group_and_an_unknown_channel_sell_from_all()
    {
        Assert.Equal(LocationGroup.All, Channel.LocationGroupFor(null));
        Assert.Equal(LocationGroup.All, Channel.Create("web", "Web", null, locationGroupIsStored: false, Now).SellsFrom);
        Assert.Equal("WEB", Channel.Create("web", "Web", "WEB", locationGroupIsStored: true, Now).SellsFrom);
    }

    [Fact]
    public void A_channel_names_a_stored_group_or_exactly_all()
    {
        Assert.Equal(LocationGroup.All, Channel.Create("web", "Web", "all", locationGroupIsStored: false, Now).LocationGroup);
        Assert.True(ErrorsOf(() => Channel.Create("web", "Web", "ALL", locationGroupIsStored: false, Now)).ContainsKey("locationGroup"));
        Assert.True(ErrorsOf(() => Channel.Create("web", "Web", "EU", locationGroupIsStored: false, Now)).ContainsKey("locationGroup"));
    }
}
