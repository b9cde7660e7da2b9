using System.Globalization;
using Npgsql;

namespace Waybill.Bench.Inventory;

/// <summary>
/// What one inventory benchmark puts in Waybill before the load, what each request is, and what it checks afterwards.
/// A fresh server on a fresh database is set up for every run.
/// </summary>
public abstract class InventoryScenario
{
    public abstract string Command { get; }

    /// <summary>What the rate counts, for the progress lines and the report.</summary>
    public abstract string Unit { get; }

    /// <summary>What is seeded and what each request does, recorded with the results.</summary>
    public abstract IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>
    /// Creates the locations and groups (through the API) and the stock, and checks the seed through the API.
    /// <paramref name="postgresConnection"/> is Waybill's database on PostgreSQL, null on SQLite.
    /// </summary>
    public abstract Task SetUpAsync(InventoryHttp api, string? postgresConnection, CancellationToken cancellationToken);

    public abstract ILoadClient CreateClient(InventoryHttp api, int index);

    /// <summary>The books after the load, or null when the benchmark changes nothing.</summary>
    public abstract Task<StockCheckResult?> CheckAsync(InventoryHttp api, string? postgresConnection, LoadResult phase, CancellationToken cancellationToken);

    public static string Sku(int index) => "SKU-" + (index + 1).ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>
    /// On PostgreSQL, the reservations Waybill wrote must match the 201s too: one reservation row and one line of 1 for each.
    /// </summary>
    protected static async Task<StockCheckResult> WithReservationRowsAsync(StockCheckResult check, string? postgresConnection, long expected, CancellationToken cancellationToken)
    {
        if (postgresConnection is null)
        {
            return check;
        }

        await using var connection = new NpgsqlConnection(StockSeeder.Unpooled(postgresConnection));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM reservations WHERE status = 'Active'), (SELECT coalesce(sum(quantity), 0) FROM reservation_lines)", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (reservations, quantity) = (reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
        if (reservations == expected && quantity == expected)
        {
            return check;
        }

        return check with
        {
            Problems = [.. check.Problems, $"the database holds {reservations:N0} active reservations holding {quantity:N0}, but {expected:N0} were answered 201"],
        };
    }

    protected static async Task CheckSeedAsync(
        InventoryHttp api, IReadOnlyList<string> skus, IReadOnlyList<string> locations, IReadOnlyDictionary<string, IReadOnlyList<string>> groups,
        CancellationToken cancellationToken)
    {
        var check = await StockCheck.RunAsync(api, skus, locations, groups, expectedReserved: 0, cancellationToken);
        if (!check.Passed)
        {
            throw new InvalidOperationException("The seeded stock does not add up: " + string.Join("; ", check.Problems));
        }
    }
}

/// <summary>
/// <c>reserve-hot</c>: every client reserves 1 of the same SKU at the same location, with no key and no expiry. The SKU
/// has 1,000,000,000 on hand, so it never runs out. Afterwards the location's and the <c>all</c> group's reserved must
/// equal the number of 201s, with ATF ≥ 0.
/// </summary>
public sealed class HotSkuScenario : InventoryScenario
{
    public const string HotSku = "HOT-00001";
    public const long OnHand = 1_000_000_000;

    private static readonly string[] Locations = [RawHotSkuBaseline.Location];
    private static readonly Dictionary<string, IReadOnlyList<string>> Groups = new(StringComparer.Ordinal) { ["all"] = Locations };

    private readonly byte[] body = InventoryHttp.ReservationBody(HotSku, RawHotSkuBaseline.Location);

    public override string Command => InventoryOptions.ReserveHot;

    public override string Unit => "reservations/s";

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["sku"] = HotSku,
        ["location"] = RawHotSkuBaseline.Location,
        ["onHand"] = OnHand,
        ["request"] = System.Text.Encoding.UTF8.GetString(body),
    };

    public override async Task SetUpAsync(InventoryHttp api, string? postgresConnection, CancellationToken cancellationToken)
    {
        await api.PutLocationAsync(RawHotSkuBaseline.Location, 40.7, -74.0, priority: 0, cancellationToken);
        await api.PutStockAsync(RawHotSkuBaseline.Location, HotSku, OnHand, safetyStock: 0, cancellationToken);
        await CheckSeedAsync(api, [HotSku], Locations, Groups, cancellationToken);
    }

    public override ILoadClient CreateClient(InventoryHttp api, int index) => api.CreateReservationClient(_ => body);

    public override async Task<StockCheckResult?> CheckAsync(InventoryHttp api, string? postgresConnection, LoadResult phase, CancellationToken cancellationToken)
    {
        var check = await StockCheck.RunAsync(api, [HotSku], Locations, Groups, phase.TotalSuccesses, cancellationToken);
        return await WithReservationRowsAsync(check, postgresConnection, phase.TotalSuccesses, cancellationToken);
    }
}

/// <summary>
/// <c>reserve-spread</c>: every request reserves 1 of a SKU drawn at random from <c>--skus</c> (10,000) at a location drawn
/// from <c>--locations</c> (3: WH1…WH3; WH1 and WH2 also form the group WEB, so a reservation there holds three rows:
/// the location's, <c>all</c>'s and WEB's). Every SKU has 1,000,000 on hand at every location. Afterwards the
/// reserved stock over all rows must equal the 201s and every group must equal the sum of its locations.
/// </summary>
public sealed class SpreadScenario(int skuCount, int locationCount, int seed) : InventoryScenario
{
    public const long OnHand = 1_000_000;
    public const string WebGroup = "WEB";

    private readonly string[] skus = Enumerable.Range(0, skuCount).Select(Sku).ToArray();
    private readonly string[] locations = Enumerable.Range(1, locationCount).Select(i => "WH" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
    private byte[][] bodies = [];

    private Dictionary<string, IReadOnlyList<string>> Groups
    {
        get
        {
            var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["all"] = locations };
            if (locations.Length >= 2)
            {
                groups[WebGroup] = locations[..2];
            }

            return groups;
        }
    }

    public override string Command => InventoryOptions.ReserveSpread;

    public override string Unit => "reservations/s";

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["skus"] = skuCount,
        ["locations"] = locations,
        ["groups"] = Groups,
        ["onHandPerRow"] = OnHand,
        ["request"] = "1 of a random SKU at a random location (uniform), no key, no expiry",
    };

    public override async Task SetUpAsync(InventoryHttp api, string? postgresConnection, CancellationToken cancellationToken)
    {
        for (var i = 0; i < locations.Length; i++)
        {
            await api.PutLocationAsync(locations[i], 40 + i, -74 - i, priority: i, cancellationToken);
        }

        foreach (var (group, members) in Groups.Where(g => g.Key != "all"))
        {
            await api.PutLocationGroupAsync(group, members, cancellationToken);
        }

        var took = await StockSeeder.SeedAsync(api, postgresConnection, locations, skus, (_, _) => OnHand, (_, _) => 0, cancellationToken);
        Console.WriteLine($"  seeded {skus.Length * locations.Length:N0} stock rows in {took.TotalSeconds:F1} s ({(postgresConnection is null ? "PUT" : "COPY")})");
        await CheckSeedAsync(api, skus, locations, Groups, cancellationToken);
        bodies = [.. locations.SelectMany(l => skus.Select(s => InventoryHttp.ReservationBody(s, l)))];
    }

    public override ILoadClient CreateClient(InventoryHttp api, int index)
    {
        // A random stream of its own per client, from the seed: the same seed draws the same requests per client.
        var random = new Random(seed * 7919 + index);
        return api.CreateReservationClient(_ => bodies[random.Next(bodies.Length)]);
    }

    public override async Task<StockCheckResult?> CheckAsync(InventoryHttp api, string? postgresConnection, LoadResult phase, CancellationToken cancellationToken)
    {
        var check = await StockCheck.RunAsync(api, skus, locations, Groups, phase.TotalSuccesses, cancellationToken);
        return await WithReservationRowsAsync(check, postgresConnection, phase.TotalSuccesses, cancellationToken);
    }
}

/// <summary>
/// <c>availability</c>: every request is <c>GET /api/v1/inventory/availability</c> of <c>--skus</c> (100) SKUs at
/// <c>--locations</c> (100) locations — the most one call may ask, 10,000 rows. Every pair has stock (on hand 3–502,
/// safety stock 0–2, nothing reserved). One answer is checked in full before the load.
/// </summary>
public sealed class AvailabilityScenario(int skuCount, int locationCount) : InventoryScenario
{
    private readonly string[] skus = Enumerable.Range(0, skuCount).Select(Sku).ToArray();
    private readonly string[] locations = Enumerable.Range(1, locationCount).Select(i => "LOC-" + i.ToString("D3", CultureInfo.InvariantCulture)).ToArray();
    private string path = "";

    public override string Command => InventoryOptions.Availability;

    public override string Unit => "requests/s";

    public override IReadOnlyDictionary<string, object> Parameters => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["skus"] = skuCount,
        ["locations"] = locationCount,
        ["rowsPerAnswer"] = skuCount * locationCount,
        ["request"] = $"GET availability?skus=<{skuCount} SKUs>&locations=<{locationCount} locations>",
    };

    public override async Task SetUpAsync(InventoryHttp api, string? postgresConnection, CancellationToken cancellationToken)
    {
        for (var i = 0; i < locations.Length; i++)
        {
            await api.PutLocationAsync(locations[i], 30 + (i % 20), -120 + (i / 5), priority: i % 10, cancellationToken);
        }

        var took = await StockSeeder.SeedAsync(api, postgresConnection, locations, skus, OnHand, SafetyStock, cancellationToken);
        Console.WriteLine($"  seeded {skus.Length * locations.Length:N0} stock rows in {took.TotalSeconds:F1} s ({(postgresConnection is null ? "PUT" : "COPY")})");
        await CheckSeedAsync(api, skus, locations, new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["all"] = locations }, cancellationToken);

        // The very request of the load, answered in full and as seeded.
        var items = await api.GetAvailabilityAsync(skus, locations, [], cancellationToken);
        if (items.Count != skus.Length * locations.Length)
        {
            throw new InvalidOperationException($"GET availability answered {items.Count} rows, not {skus.Length * locations.Length}.");
        }

        var locationIndex = locations.Select((code, i) => (code, i)).ToDictionary(p => p.code, p => p.i, StringComparer.Ordinal);
        var skuIndex = skus.Select((code, i) => (code, i)).ToDictionary(p => p.code, p => p.i, StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (l, s) = (locationIndex[item.Location!], skuIndex[item.Sku]);
            if (item.OnHand != OnHand(l, s) || item.SafetyStock != SafetyStock(l, s) || item.AvailableToFulfill != OnHand(l, s) - SafetyStock(l, s))
            {
                throw new InvalidOperationException($"GET availability answered {item} for {item.Sku} at {item.Location}, not what was seeded.");
            }
        }

        path = InventoryHttp.AvailabilityPath(skus, locations, []);
    }

    public override ILoadClient CreateClient(InventoryHttp api, int index) => api.CreateGetClient(path);

    public override Task<StockCheckResult?> CheckAsync(InventoryHttp api, string? postgresConnection, LoadResult phase, CancellationToken cancellationToken) =>
        Task.FromResult<StockCheckResult?>(null);

    private static long OnHand(int location, int sku) => 3 + ((location * 37) + (sku * 11)) % 500;

    private static long SafetyStock(int location, int sku) => (location + sku) % 3;
}
