using Waybill.Bench.Inventory;

namespace Waybill.Bench.Capture;

/// <summary>
/// With <c>--flows</c>, approved orders are routed (default flow 2): five warehouses across the US hold the order mix's
/// SKUs, each SKU at three of them chosen by the seed, so routing has real choices (nearest, fewest splits) and the
/// bench measures capture → approve → route → fulfillment orders (issue 5), not a backorder per order.
/// </summary>
public static class RoutingStock
{
    private static readonly (string Code, double Latitude, double Longitude)[] Warehouses =
    [
        ("DC-NEWARK", 40.7357, -74.1724),
        ("DC-CHICAGO", 41.8781, -87.6298),
        ("DC-DALLAS", 32.7767, -96.7970),
        ("DC-ATLANTA", 33.7490, -84.3880),
        ("DC-RENO", 39.5296, -119.8138),
    ];

    /// <summary>Units of a SKU at each warehouse that holds it: ample for a few minutes of load at hundreds of orders a second.</summary>
    private const int UnitsPerWarehouse = 400;

    public static async Task SeedAsync(Uri baseAddress, string apiKey, int seed, CancellationToken cancellationToken)
    {
        using var http = new InventoryHttp(baseAddress, apiKey, InventoryHttp.SetupParallelism);
        for (var i = 0; i < Warehouses.Length; i++)
            await http.PutLocationAsync(Warehouses[i].Code, Warehouses[i].Latitude, Warehouses[i].Longitude, priority: i + 1, cancellationToken);
        var random = new Random(seed);
        var stock = new List<(string Location, string Sku)>();
        for (var n = 1; n <= OrderGenerator.SkuCount; n++)
        {
            foreach (var w in Warehouses.Select(w => w.Code).OrderBy(_ => random.Next()).Take(3))
                stock.Add((w, $"SKU-{n:D6}"));
        }
        await Parallel.ForEachAsync(stock, new ParallelOptions { MaxDegreeOfParallelism = InventoryHttp.SetupParallelism, CancellationToken = cancellationToken },
            async (item, token) => await http.PutStockAsync(item.Location, item.Sku, UnitsPerWarehouse, 0, token));
    }
}
