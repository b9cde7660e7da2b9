using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>
/// The node remembers the locations, groups and SKUs it has seen exist, so reservations and availability calls skip those
/// look-ups. Only what exists is remembered: a code refused as unknown is accepted as soon as it exists, and a call that
/// names known and unknown codes together still names exactly the unknown ones.
/// </summary>
public abstract class KnownInventoryTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task A_sku_and_a_location_refused_as_unknown_are_accepted_once_they_exist()
    {
        var known = await _admin.PutLocation();
        var knownSku = MasterData.NewCode("SKU");
        await _admin.PutStock(known, knownSku, onHand: 5);
        var later = MasterData.NewCode("WH");
        var laterSku = MasterData.NewCode("SKU");

        // Seen to exist first, so the refusal below comes from the database and not from an empty memory.
        await (await _admin.PostJson("/api/v1/inventory/reservations", Reservation((knownSku, known)))).Expect(HttpStatusCode.Created);
        var refused = await (await _admin.PostJson("/api/v1/inventory/reservations", Reservation((knownSku, known), (laterSku, later))))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["lines[1].location", "lines[1].sku"], refused["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        await (await _admin.GetAsync($"/api/v1/inventory/availability?skus={knownSku}&locations={known},{later}")).ExpectFieldError("locations");

        await _admin.PutLocation(later);
        await _admin.PutStock(later, laterSku, onHand: 3);

        await (await _admin.PostJson("/api/v1/inventory/reservations", Reservation((knownSku, known), (laterSku, later)))).Expect(HttpStatusCode.Created);
        var rows = (await (await _admin.GetAsync($"/api/v1/inventory/availability?skus={knownSku},{laterSku}&locations={known},{later}"))
            .Expect(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(4, rows.Count);
        Assert.Equal(2, rows.Single(r => r!["sku"]!.GetValue<string>() == knownSku && r["location"]!.GetValue<string>() == known)!["reserved"]!.GetValue<long>());
        Assert.Equal(1, rows.Single(r => r!["sku"]!.GetValue<string>() == laterSku && r["location"]!.GetValue<string>() == later)!["reserved"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_group_refused_as_unknown_is_accepted_once_it_exists()
    {
        var location = await _admin.PutLocation();
        var sku = MasterData.NewCode("SKU");
        await _admin.PutStock(location, sku, onHand: 4);
        var group = MasterData.NewCode("GRP");
        await (await _admin.GetAsync($"/api/v1/inventory/availability?skus={sku}&groups={group}")).ExpectFieldError("groups");

        await (await _admin.PutJson($"/api/v1/location-groups/{group}", new JsonObject
        {
            ["name"] = "Group " + group,
            ["locations"] = new JsonArray(location),
        })).Expect(HttpStatusCode.Created);
        var row = await _admin.Availability(sku, group: group);
        Assert.Equal(4, row["onHand"]!.GetValue<long>());
        await (await _admin.PostJson("/api/v1/inventory/reservations", new JsonObject
        {
            ["lines"] = new JsonArray(new JsonObject { ["sku"] = sku, ["quantity"] = 4, ["group"] = group }),
        })).Expect(HttpStatusCode.Created);
    }

    private static JsonObject Reservation(params (string Sku, string Location)[] lines) => new()
    {
        ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["quantity"] = 1, ["location"] = l.Location })]),
    };
}

public sealed class KnownInventoryOnSqlite(SqliteServer server) : KnownInventoryTests(server), IClassFixture<SqliteServer>;

public sealed class KnownInventoryOnPostgres(PostgresServer server) : KnownInventoryTests(server), IClassFixture<PostgresServer>;
