using System.Diagnostics;
using Waybill.Server.Inventory.Imports;
using Xunit.Abstractions;

namespace Waybill.Server.Tests.Inventory;

[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;

/// <summary>
/// A million-line file is read as it arrives: memory stays flat, and a good line costs its record and strings only.
/// Alone in its collection, so the process-wide heap measured is not another test's.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class StockFileReaderStreamingTests(ITestOutputHelper output)
{
    private const int Lines = 1_000_000;

    [Theory]
    [InlineData(StockFileFormat.Ndjson)]
    [InlineData(StockFileFormat.Csv)]
    public async Task A_million_line_file_is_read_in_flat_memory(StockFileFormat format)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var (peakLive, peakHeap) = (baseline, baseline);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var (records, errors, futures, lastLine) = (0, 0, 0, 0);
        var clock = Stopwatch.StartNew();

        await foreach (var item in StockFileReader.ReadAsync(new GeneratedStockBody(Lines, format), format, CancellationToken.None))
        {
            if (item.IsRecord)
            {
                records++;
                futures += item.Record.Futures.Count;
                lastLine = item.Record.Line;
            }
            else
            {
                errors++;
            }
            // The heap before a collection is mostly garbage the next gen0 collection frees, and the gen0 budget alone is
            // tens of MiB on some machines; what the reader holds on to is what survives a full collection.
            if (records % 10_000 == 0)
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
            if (records % 100_000 == 0)
                peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true));
        }

        clock.Stop();
        // The generated body completes every read at once, so the whole read ran on this thread.
        var allocatedPerLine = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)Lines;
        output.WriteLine($"{format}: {Lines:N0} lines in {clock.Elapsed.TotalMilliseconds:N0} ms = {Lines / clock.Elapsed.TotalSeconds:N0} lines/s; "
            + $"live heap peak {(peakLive - baseline) / 1024.0 / 1024.0:N1} MiB over the baseline (uncollected heap {(peakHeap - baseline) / 1024.0 / 1024.0:N1} MiB); "
            + $"{allocatedPerLine:N0} bytes allocated a line");

        Assert.Equal((Lines, 0, Lines / 10), (records, errors, futures));
        Assert.Equal(format == StockFileFormat.Csv ? Lines + 1 : Lines, lastLine);
        Assert.True(peakLive - baseline < 50L * 1024 * 1024, $"the live heap grew by {(peakLive - baseline) / 1024 / 1024} MiB");
        // A record, its recordId and sku, and now and then a future: a few hundred bytes. A parsed document or a copied
        // line per record would show here long before it shows in the peak.
        Assert.True(allocatedPerLine < 400, $"{allocatedPerLine:N0} bytes allocated a line");
    }
}
