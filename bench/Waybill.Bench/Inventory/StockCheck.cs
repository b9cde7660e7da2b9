namespace Waybill.Bench.Inventory;

/// <summary>
/// Reads the stock of a benchmark back through <c>GET /api/v1/inventory/availability</c> and checks the books: every
/// group row equals the sum of its member locations (on hand, safety stock, reserved — the benchmarks reserve at
/// locations only), no ATF is negative, and — after a load — the stock reserved over all locations equals the number of
/// reservations the clients were given (each of quantity 1), so nothing was oversold, lost or counted twice.
/// </summary>
public static class StockCheck
{
    private const int SkusPerCall = 100;
    private const int PlacesPerCall = 100;

    public static async Task<StockCheckResult> RunAsync(
        InventoryHttp api,
        IReadOnlyList<string> skus,
        IReadOnlyList<string> locations,
        IReadOnlyDictionary<string, IReadOnlyList<string>> groups,
        long? expectedReserved,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        long reserved = 0, groupMismatches = 0, negative = 0;
        long? minAtf = null;
        var groupCodes = groups.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var skuChunk in skus.Chunk(SkusPerCall))
        {
            var byPlace = new Dictionary<(string Place, string Sku), AvailabilityItem>();
            foreach (var placeChunk in locations.Chunk(PlacesPerCall))
            {
                foreach (var item in await api.GetAvailabilityAsync(skuChunk, placeChunk, [], cancellationToken))
                {
                    byPlace[("location " + item.Location, item.Sku)] = item;
                }
            }

            foreach (var groupChunk in groupCodes.Chunk(PlacesPerCall))
            {
                foreach (var item in await api.GetAvailabilityAsync(skuChunk, [], groupChunk, cancellationToken))
                {
                    byPlace[("group " + item.Group, item.Sku)] = item;
                }
            }

            foreach (var item in byPlace.Values)
            {
                minAtf = Math.Min(minAtf ?? long.MaxValue, item.AvailableToFulfill);
                if (item.AvailableToFulfill < 0 && ++negative <= 5)
                {
                    problems.Add($"negative ATF {item.AvailableToFulfill} of {item.Sku} at {item.Location ?? "group " + item.Group}");
                }

                if (item.Location is not null)
                {
                    reserved += item.Reserved;
                }
            }

            foreach (var sku in skuChunk)
            {
                foreach (var (group, members) in groups)
                {
                    var row = byPlace[("group " + group, sku)];
                    var rows = members.Select(m => byPlace[("location " + m, sku)]).ToList();
                    var (onHand, held, safety) = (rows.Sum(r => r.OnHand), rows.Sum(r => r.Reserved), rows.Sum(r => r.SafetyStock));
                    if ((row.OnHand, row.Reserved, row.SafetyStock) != (onHand, held, safety) && ++groupMismatches <= 5)
                    {
                        problems.Add($"group {group} of {sku}: onHand/reserved/safety {row.OnHand}/{row.Reserved}/{row.SafetyStock}, its locations sum to {onHand}/{held}/{safety}");
                    }
                }
            }
        }

        if (expectedReserved is { } expected && expected != reserved)
        {
            problems.Add($"reserved over all locations is {reserved:N0}, but {expected:N0} reservations of 1 were answered 201");
        }

        return new StockCheckResult(skus.Count, reserved, expectedReserved, minAtf ?? 0, groupMismatches, negative, problems);
    }
}

/// <summary>What <see cref="StockCheck"/> found. <see cref="Passed"/> when it found nothing wrong.</summary>
public sealed record StockCheckResult(
    long SkusChecked,
    long ReservedAtLocations,
    long? ExpectedReserved,
    long MinAtf,
    long GroupMismatches,
    long NegativeAtfRows,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}
