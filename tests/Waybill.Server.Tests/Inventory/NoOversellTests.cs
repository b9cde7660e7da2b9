using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>
/// "Nothing oversells" (domain.md "Inventory"), shown under load: many clients racing for the same stock, at locations
/// and at groups, never hold more than there is — and the figures always equal what the successful requests hold.
/// </summary>
public abstract class NoOversellTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task Sixty_four_clients_racing_for_one_sku_reserve_exactly_the_hundred_on_hand_and_atf_never_goes_negative()
    {
        var location = await _admin.PutLocation();
        var sku = MasterData.NewCode("HOT");
        await _admin.PutStock(location, sku, onHand: 100);

        var reserved = 0;
        var refused = 0;
        var lowestSeen = long.MaxValue;
        using var done = new CancellationTokenSource();
        // A watcher reads the figures all through the race: ATF must never be seen below zero.
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var atf = (await _admin.AvailabilityRow(sku, location: location))["availableToFulfill"]!.GetValue<long>();
                InterlockedMin(ref lowestSeen, atf);
            }
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (_, _) =>
        {
            // Each client keeps asking for one unit until it is told there is none left.
            while (true)
            {
                var response = await _admin.PostJson("/api/v1/inventory/reservations", Reservation(sku, 1, location: location));
                if (response.StatusCode == HttpStatusCode.Created) { Interlocked.Increment(ref reserved); continue; }
                await response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "insufficient_inventory");
                Interlocked.Increment(ref refused);
                return;
            }
        });
        await done.CancelAsync();
        await watcher;

        Assert.Equal(100, reserved);
        Assert.Equal(64, refused);
        var figures = await _admin.AvailabilityRow(sku, location: location);
        Assert.Equal(100, figures["reserved"]!.GetValue<long>());
        Assert.Equal(0, figures["availableToFulfill"]!.GetValue<long>());
        Assert.True(lowestSeen >= 0, $"ATF was seen at {lowestSeen}");
    }

    [Fact]
    public async Task Clients_racing_at_two_locations_and_their_group_never_take_more_than_either_holds()
    {
        var north = await _admin.PutLocation();
        var south = await _admin.PutLocation();
        var group = await _admin.PutGroup(north, south);
        var sku = MasterData.NewCode("RACE");
        await _admin.PutStock(north, sku, onHand: 60);
        await _admin.PutStock(south, sku, onHand: 40, safetyStock: 5);

        var held = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (client, _) =>
        {
            var random = new Random(client);
            for (var i = 0; i < 6; i++)
            {
                var quantity = random.Next(1, 4);
                var (place, body) = random.Next(3) switch
                {
                    0 => (north, Reservation(sku, quantity, location: north)),
                    1 => (south, Reservation(sku, quantity, location: south)),
                    _ => ("group", Reservation(sku, quantity, group: group)),
                };
                var response = await _admin.PostJson("/api/v1/inventory/reservations", body);
                if (response.StatusCode == HttpStatusCode.Created) held.AddOrUpdate(place, quantity, (_, q) => q + quantity);
                else await response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "insufficient_inventory");
            }
        });

        var atNorth = await _admin.AvailabilityRow(sku, location: north);
        var atSouth = await _admin.AvailabilityRow(sku, location: south);
        var atGroup = await _admin.AvailabilityRow(sku, group: group);
        Assert.Equal(held.GetValueOrDefault(north), atNorth["reserved"]!.GetValue<long>());
        Assert.Equal(held.GetValueOrDefault(south), atSouth["reserved"]!.GetValue<long>());
        Assert.Equal(held.Values.Sum(), atGroup["reserved"]!.GetValue<long>());
        foreach (var figures in new[] { atNorth, atSouth, atGroup })
            Assert.True(figures["availableToFulfill"]!.GetValue<long>() >= 0, figures.ToJsonString());
        // 64 × 6 requests for about 2 units each ask for far more than the 95 units there are: the stock is used up.
        Assert.True(atGroup["availableToFulfill"]!.GetValue<long>() < 3, atGroup.ToJsonString());
    }

    [Fact]
    public async Task A_random_workload_of_reserve_release_transfer_fulfill_and_import_matches_the_model_after_every_step()
    {
        foreach (var seed in new[] { 11, 29, 47 })
            await RunModelAsync(seed, steps: 80);
    }

    private async Task RunModelAsync(int seed, int steps)
    {
        var random = new Random(seed);
        var locations = new[] { await _admin.PutLocation(), await _admin.PutLocation(), await _admin.PutLocation() };
        var group = await _admin.PutGroup(locations[0], locations[1]);
        var skus = new[] { MasterData.NewCode("MA"), MasterData.NewCode("MB") };
        var model = new InventoryModel(locations, new Dictionary<string, string[]> { [group] = [locations[0], locations[1]], ["all"] = locations });
        foreach (var l in locations)
            foreach (var s in skus)
            {
                var onHand = random.Next(0, 12);
                await _admin.PutStock(l, s, onHand);
                model.Set(l, s, onHand, 0);
            }

        (string Body, string Mode)? lastImport = null;
        for (var step = 0; step < steps; step++)
        {
            var what = $"seed {seed} step {step}";
            var sku = skus[random.Next(skus.Length)];
            switch (random.Next(8))
            {
                case 0 or 1:
                {
                    // A reservation of one or two lines, at locations or the group.
                    var lines = Enumerable.Range(0, random.Next(1, 3)).Select(_ =>
                    {
                        var s = skus[random.Next(skus.Length)];
                        var atGroup = random.Next(3) == 0;
                        return (Sku: s, Place: atGroup ? group : locations[random.Next(locations.Length)], AtGroup: atGroup, Quantity: random.Next(1, 6));
                    }).DistinctBy(l => (l.Sku, l.Place)).ToList();
                    var body = new JsonObject
                    {
                        ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject
                        {
                            ["sku"] = l.Sku, ["quantity"] = l.Quantity,
                            [l.AtGroup ? "group" : "location"] = l.Place,
                        })]),
                    };
                    var expected = model.TryReserve(lines.Select(l => (l.Sku, l.Place, l.AtGroup, l.Quantity)).ToList());
                    var response = await _admin.PostJson("/api/v1/inventory/reservations", body);
                    if (expected is null) await response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "insufficient_inventory");
                    else model.Opened((await response.Expect(HttpStatusCode.Created))["id"].Str(), expected);
                    break;
                }
                case 2 when model.Active.Count > 0:
                {
                    var id = model.Active.Keys.ElementAt(random.Next(model.Active.Count));
                    await (await _admin.PostJson($"/api/v1/inventory/reservations/{id}/release", null)).Expect(HttpStatusCode.OK);
                    model.Release(id);
                    break;
                }
                case 3 when model.Active.Count > 0:
                {
                    // Fulfill part of a location line, or move part of a line to another location (checked).
                    var id = model.Active.Keys.ElementAt(random.Next(model.Active.Count));
                    var line = model.Active[id][random.Next(model.Active[id].Count)];
                    if (line.Held == 0) break;
                    var quantity = random.Next(1, line.Held + 1);
                    if (!line.AtGroup && random.Next(2) == 0)
                    {
                        (await _admin.PostJson($"/api/v1/inventory/reservations/{id}/fulfill", new JsonObject
                        {
                            ["lines"] = new JsonArray(new JsonObject { ["sku"] = line.Sku, ["quantity"] = quantity, ["location"] = line.Place }),
                        })).EnsureSuccessStatusCode();
                        model.Fulfill(id, line, quantity);
                    }
                    else
                    {
                        var to = locations.Where(l => l != line.Place).ElementAt(random.Next(locations.Length - 1));
                        var ok = model.TryTransfer(id, line, to, quantity);
                        var response = await _admin.PostJson($"/api/v1/inventory/reservations/{id}/transfer", new JsonObject
                        {
                            ["lines"] = new JsonArray(new JsonObject { ["sku"] = line.Sku, ["quantity"] = quantity, ["from"] = line.Place, ["to"] = to }),
                        });
                        if (ok) await response.Expect(HttpStatusCode.OK);
                        else await response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "insufficient_inventory");
                    }
                    break;
                }
                case 4:
                {
                    var location = locations[random.Next(locations.Length)];
                    var onHand = random.Next(0, 15);
                    var safety = random.Next(0, 3);
                    await _admin.PutStock(location, sku, onHand, safety);
                    model.Set(location, sku, onHand, safety);
                    break;
                }
                case 5:
                {
                    var location = locations[random.Next(locations.Length)];
                    var delta = random.Next(-4, 6);
                    if (delta == 0) break;
                    var response = await _admin.PostJson($"/api/v1/inventory/{location}/{sku}/adjust", new JsonObject { ["delta"] = delta, ["reason"] = "cycle_count" });
                    if (model.TryAdjust(location, sku, delta)) await response.Expect(HttpStatusCode.OK);
                    else await response.ExpectFieldError("delta");
                    break;
                }
                case 6:
                {
                    // A stock file: a few records with new recordIds (delta or full), or the last file sent again,
                    // which must change nothing (every recordId is applied once, ever).
                    if (lastImport is not null && random.Next(4) == 0)
                    {
                        var again = await _admin.ImportAndWait(lastImport.Value.Body, lastImport.Value.Mode);
                        Assert.True(again["status"].Str() == "completed" && again["recordsApplied"]!.GetValue<int>() == 0, $"{what}: {again.ToJsonString()}");
                        break;
                    }
                    var mode = random.Next(3) == 0 ? "full" : "delta";
                    var records = Enumerable.Range(0, random.Next(1, 4)).Select(_ => (
                        Id: $"{seed}-{step}-{Guid.NewGuid():N}", Location: locations[random.Next(locations.Length)], Sku: skus[random.Next(skus.Length)],
                        OnHand: random.Next(0, 15), Safety: random.Next(0, 3))).ToList();
                    var body = StockImports.Lines([.. records.Select(r => StockImports.Record(r.Id, r.Location, r.Sku, r.OnHand, r.Safety))]);
                    var import = await _admin.ImportAndWait(body, mode);
                    Assert.True(import["status"].Str() == "completed" && import["recordsApplied"]!.GetValue<int>() == records.Count, $"{what}: {import.ToJsonString()}");
                    // The later record for a location and SKU wins; `full` zeroes the on hand of the SKUs a listed location
                    // has that the file leaves out (their safety stock stays).
                    if (mode == "full")
                        foreach (var l in records.Select(r => r.Location).Distinct())
                            foreach (var s in skus.Where(s => !records.Any(r => r.Location == l && r.Sku == s)))
                                model.Set(l, s, 0, model.AtLocation(l, s).Safety);
                    foreach (var r in records) model.Set(r.Location, r.Sku, r.OnHand, r.Safety);
                    lastImport = (body, mode);
                    break;
                }
                default:
                    break;
            }

            // After every step, every figure Waybill shows equals the model's.
            var places = string.Join(',', locations);
            var rows = (await (await _admin.GetAsync($"/api/v1/inventory/availability?skus={string.Join(',', skus)}&locations={places}&groups={group}"))
                .Expect(HttpStatusCode.OK))["items"]!.AsArray();
            foreach (var row in rows)
            {
                var s = row!["sku"].Str();
                var place = row["location"]?.GetValue<string>() ?? row["group"].Str();
                var (onHand, reserved, safety) = row["location"] is not null ? model.AtLocation(place, s) : model.AtGroup(place, s);
                Assert.True(onHand == row["onHand"]!.GetValue<long>() && reserved == row["reserved"]!.GetValue<long>() && safety == row["safetyStock"]!.GetValue<long>(),
                    $"{what}: {s} at {place}: model onHand {onHand} reserved {reserved} safety {safety}, Waybill {row.ToJsonString()}");
            }
        }
    }

    private static JsonObject Reservation(string sku, int quantity, string? location = null, string? group = null) => new()
    {
        ["lines"] = new JsonArray(new JsonObject
        {
            ["sku"] = sku,
            ["quantity"] = quantity,
            ["location"] = location,
            ["group"] = group,
        }),
    };

    private static void InterlockedMin(ref long target, long value)
    {
        long current;
        while (value < (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

/// <summary>
/// The reference model of domain.md "Inventory", in memory: per (location, SKU) on hand and safety stock; reservations
/// hold quantities at locations or groups; a group's figures are sums over its members plus its own reservations (and
/// `all` counts every group's); a reservation succeeds only if every place it touches keeps ATF ≥ 0 (a location's
/// groups included, a group's `all`), all lines or none.
/// </summary>
internal sealed class InventoryModel(string[] locations, Dictionary<string, string[]> groups)
{
    private readonly Dictionary<(string Location, string Sku), (long OnHand, long Safety)> _stock = [];

    public sealed class Line(string sku, string place, bool atGroup, int held)
    {
        public string Sku { get; } = sku;
        public string Place { get; set; } = place;
        public bool AtGroup { get; set; } = atGroup;
        public int Held { get; set; } = held;
    }

    public Dictionary<string, List<Line>> Active { get; } = [];

    public void Set(string location, string sku, long onHand, long safety) => _stock[(location, sku)] = (onHand, safety);

    public bool TryAdjust(string location, string sku, int delta)
    {
        var (onHand, safety) = _stock.GetValueOrDefault((location, sku));
        if (onHand + delta < 0) return false;
        _stock[(location, sku)] = (onHand + delta, safety);
        return true;
    }

    public (long OnHand, long Reserved, long Safety) AtLocation(string location, string sku)
    {
        var (onHand, safety) = _stock.GetValueOrDefault((location, sku));
        return (onHand, HeldAt(location, sku, atGroup: false), safety);
    }

    public (long OnHand, long Reserved, long Safety) AtGroup(string group, string sku)
    {
        var members = groups[group].Select(l => AtLocation(l, sku)).ToList();
        // `all` holds every group's locations, so it counts every group's own reservations too.
        var atGroups = group == "all" ? groups.Keys.Sum(g => HeldAt(g, sku, atGroup: true)) : HeldAt(group, sku, atGroup: true);
        return (members.Sum(m => m.OnHand), members.Sum(m => m.Reserved) + atGroups, members.Sum(m => m.Safety));
    }

    private long HeldAt(string place, string sku, bool atGroup) =>
        Active.Values.SelectMany(l => l).Where(l => l.Sku == sku && l.Place == place && l.AtGroup == atGroup).Sum(l => (long)l.Held);

    private bool AllAvailable(string sku) =>
        locations.All(l => Atf(AtLocation(l, sku)) >= 0) && groups.Keys.All(g => Atf(AtGroup(g, sku)) >= 0);

    private static long Atf((long OnHand, long Reserved, long Safety) f) => f.OnHand - f.Reserved - f.Safety;

    /// <summary>The lines the reservation would hold, or null when it must be refused.</summary>
    public List<Line>? TryReserve(List<(string Sku, string Place, bool AtGroup, int Quantity)> lines)
    {
        const string probe = "probe";
        Active[probe] = [];
        try
        {
            foreach (var l in lines)
            {
                // Each line is checked on its own places (stock already short elsewhere does not refuse it).
                var before = Touched(l.Sku, l.Place, l.AtGroup).ToDictionary(p => p, p => Atf(p.StartsWith("G:", StringComparison.Ordinal) ? AtGroup(p[2..], l.Sku) : AtLocation(p[2..], l.Sku)));
                Active[probe].Add(new Line(l.Sku, l.Place, l.AtGroup, l.Quantity));
                foreach (var p in before.Keys)
                {
                    var after = Atf(p.StartsWith("G:", StringComparison.Ordinal) ? AtGroup(p[2..], l.Sku) : AtLocation(p[2..], l.Sku));
                    if (after < 0) return null;
                }
            }
            return Active[probe];
        }
        finally
        {
            Active.Remove(probe);
        }
    }

    /// <summary>The places a line's check covers: its location and every group holding it, or its group.</summary>
    private IEnumerable<string> Touched(string sku, string place, bool atGroup) =>
        atGroup ? (place == "all" ? ["G:all"] : ["G:" + place, "G:all"]) : ["L:" + place, .. groups.Where(g => g.Value.Contains(place)).Select(g => "G:" + g.Key)];

    public void Opened(string id, List<Line> lines) => Active[id] = lines;

    public void Release(string id) => Active.Remove(id);

    public void Fulfill(string id, Line line, int quantity)
    {
        var (onHand, safety) = _stock[(line.Place, line.Sku)];
        _stock[(line.Place, line.Sku)] = (onHand - quantity, safety);
        Take(id, line, quantity);
    }

    public bool TryTransfer(string id, Line line, string to, int quantity)
    {
        Take(id, line, quantity);
        var moved = new Line(line.Sku, to, false, quantity);
        // Moving stock from a group to a location leaves the group and `all` as they were: only a shortfall it causes counts.
        var before = Touched(line.Sku, to, false).Where(p => !line.AtGroup || (p != "G:" + line.Place && p != "G:all")).ToList();
        Active.TryAdd(id, []);
        Active[id].Add(moved);
        if (before.All(p => Atf(p.StartsWith("G:", StringComparison.Ordinal) ? AtGroup(p[2..], line.Sku) : AtLocation(p[2..], line.Sku)) >= 0))
        {
            Merge(id);
            return true;
        }
        // Refused: everything goes back as it was.
        Active[id].Remove(moved);
        line.Held += quantity;
        if (!Active[id].Contains(line)) Active[id].Add(line);
        return false;
    }

    private void Take(string id, Line line, int quantity)
    {
        line.Held -= quantity;
        if (Active[id].All(l => l.Held == 0)) Active.Remove(id);
    }

    private void Merge(string id)
    {
        Active[id] = Active[id].GroupBy(l => (l.Sku, l.Place, l.AtGroup))
            .Select(g => new Line(g.Key.Sku, g.Key.Place, g.Key.AtGroup, g.Sum(l => l.Held))).ToList();
    }
}

public sealed class NoOversellOnSqlite(SqliteServer server) : NoOversellTests(server), IClassFixture<SqliteServer>;

public sealed class NoOversellOnPostgres(PostgresServer server) : NoOversellTests(server), IClassFixture<PostgresServer>;
