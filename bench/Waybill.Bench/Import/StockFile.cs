using System.Text;
using System.Text.Unicode;

namespace Waybill.Bench.Import;

/// <summary>
/// The stock file a run imports: NDJSON, one record per SKU and location, grouped by location as an export of a stock
/// system would be (<c>BENCH-L0001</c> … with <c>SKU-000001</c> …). Every tenth record carries a future, every third a
/// safety stock. Written once to a temp file before any timing, and sent from disk, so the bench measures Waybill, not
/// the generator.
/// </summary>
public static class StockFile
{
    public static string LocationCode(int index) => $"BENCH-L{index + 1:D4}";

    /// <summary>Writes <paramref name="records"/> lines to <paramref name="path"/>; returns the file's size in bytes.</summary>
    public static long Write(string path, int records, int locations)
    {
        var skusPerLocation = (records + locations - 1) / locations;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> line = stackalloc byte[256];
        for (var i = 0; i < records; i++)
        {
            var location = LocationCode(i / skusPerLocation);
            var sku = i % skusPerLocation + 1;
            var onHand = (int)(i * 7919L % 500);
            var safety = i % 3 == 0 ? 2 : 0;
            int length;
            if (i % 10 == 0)
            {
                Utf8.TryWrite(line, $"{{\"recordId\":\"{location}-{sku:D6}\",\"location\":\"{location}\",\"sku\":\"SKU-{sku:D6}\",\"onHand\":{onHand},\"safetyStock\":{safety},\"futures\":[{{\"quantity\":{i % 50 + 1},\"expectedAt\":\"2026-12-{i % 28 + 1:D2}T08:00:00Z\"}}]}}\n", out length);
            }
            else
            {
                Utf8.TryWrite(line, $"{{\"recordId\":\"{location}-{sku:D6}\",\"location\":\"{location}\",\"sku\":\"SKU-{sku:D6}\",\"onHand\":{onHand},\"safetyStock\":{safety}}}\n", out length);
            }

            file.Write(line[..length]);
        }

        return file.Length;
    }

    /// <summary>The body of <c>PUT /api/v1/locations/{code}</c> for a bench location.</summary>
    public static string LocationBody(int index) =>
        $$"""{"name":"Bench location {{index + 1}}","type":"warehouse","address":{"name":"Bench","line1":"1 Bench St","city":"Springfield","region":"IL","postalCode":"62701","country":"US"},"latitude":39.78,"longitude":-89.65,"priority":{{index % 10}},"active":true}""";

    public static readonly Encoding Utf8NoBom = new UTF8Encoding(false);
}
