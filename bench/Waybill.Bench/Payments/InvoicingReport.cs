using System.Globalization;
using System.Text.Json;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Payments;

/// <summary>The <c>invoicing</c> results: every run, and the median of each figure over the runs.</summary>
public static class InvoicingReport
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static InvoicingResults Build(
        InvoicingOptions options, DateTimeOffset startedAt, string? repoRoot, string serverDll, string postgresSource,
        IReadOnlyDictionary<string, string> postgresSettings, IReadOnlyList<InvoicingRun> runs)
    {
        var waybill = runs.Where(r => r.Waybill is not null).Select(r => r.Waybill!).ToList();
        var median = new InvoicingMedians(
            ShipmentsPerSecond: Median(waybill.Select(w => (double?)w.ShipmentsPerSecond)),
            InvoicesPerSecond: Median(waybill.Select(w => (double?)w.InvoicesPerSecond)),
            ShipmentToCapturedP50Ms: Median(waybill.Select(w => w.ShipmentToCapturedP50Ms)),
            ShipmentToCapturedP95Ms: Median(waybill.Select(w => w.ShipmentToCapturedP95Ms)),
            ShipmentToCapturedP99Ms: Median(waybill.Select(w => w.ShipmentToCapturedP99Ms)),
            ServerCpuMsPerInvoice: Median(waybill.Select(w => w.ServerCpuMsPerInvoice)),
            GatewayCallsInFlight: Median(waybill.Select(w => (double?)w.GatewayCallsInFlight)),
            PeakCaptureCallsInFlight: Median(waybill.Select(w => (double?)w.PeakCaptureCallsInFlight)),
            CaptureCallP99Ms: Median(waybill.Select(w => w.CaptureCallP99Ms)),
            RawInvoicesPerSecond: Median(runs.Select(r => (double?)r.Raw.InvoicesPerSecond)),
            RawP99Ms: Median(runs.Select(r => r.Raw.P99Ms)),
            WaybillToRaw: Median(runs.Select(r => r.WaybillToRaw)),
            Unpaid: Median(waybill.Select(w => (double?)w.Unpaid)));
        return new InvoicingResults(
            "invoicing", startedAt, "postgres", options, repoRoot is null ? null : Report.GitCommit(repoRoot), serverDll, postgresSource,
            postgresSettings, Environment.ProcessorCount, runs, median);
    }

    public static void PrintTable(InvoicingResults results)
    {
        static string F(double? value, string format = "F1") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(
            $"{"run",-8} {"ships/s",9} {"invoices/s",11} {"→paid p50",10} {"p95",8} {"p99",8} {"CPU ms/inv",11} {"in flight",10} {"peak",5} {"raw inv/s",10} {"raw p99",8} {"W/raw",7} {"unpaid",7}");
        foreach (var run in results.Runs)
        {
            var w = run.Waybill;
            Console.WriteLine(
                $"{run.Run,-8} {F(w?.ShipmentsPerSecond),9} {F(w?.InvoicesPerSecond),11} {F(w?.ShipmentToCapturedP50Ms, "F0"),10} {F(w?.ShipmentToCapturedP95Ms, "F0"),8} "
                + $"{F(w?.ShipmentToCapturedP99Ms, "F0"),8} {F(w?.ServerCpuMsPerInvoice, "F2"),11} {F(w?.GatewayCallsInFlight, "F2"),10} {F(w?.PeakCaptureCallsInFlight, "F0"),5} {F(run.Raw.InvoicesPerSecond),10} "
                + $"{F(run.Raw.P99Ms),8} {F(run.WaybillToRaw, "P1"),7} {F(w?.Unpaid, "F0"),7}");
        }
        var m = results.Median;
        Console.WriteLine(
            $"{"median",-8} {F(m.ShipmentsPerSecond),9} {F(m.InvoicesPerSecond),11} {F(m.ShipmentToCapturedP50Ms, "F0"),10} {F(m.ShipmentToCapturedP95Ms, "F0"),8} "
            + $"{F(m.ShipmentToCapturedP99Ms, "F0"),8} {F(m.ServerCpuMsPerInvoice, "F2"),11} {F(m.GatewayCallsInFlight, "F2"),10} {F(m.PeakCaptureCallsInFlight, "F0"),5} {F(m.RawInvoicesPerSecond),10} "
            + $"{F(m.RawP99Ms),8} {F(m.WaybillToRaw, "P1"),7} {F(m.Unpaid, "F0"),7}");
        Console.WriteLine("(→paid: shipment createdAt to invoice updatedAt when paid, ms, server clock; in flight: invoices/s × gateway latency, > 1 means gateway calls overlap; peak: most capture calls logged and not yet answered at one moment)");
    }

    public static async Task WriteJsonAsync(InvoicingResults results, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, results, JsonOptions, cancellationToken);
    }

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0) return null;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>The JSON results file of <c>invoicing</c>.</summary>
public sealed record InvoicingResults(
    string Benchmark,
    DateTimeOffset StartedAt,
    string Database,
    InvoicingOptions Options,
    string? Commit,
    string ServerDll,
    string PostgresSource,
    IReadOnlyDictionary<string, string> PostgresSettings,
    int ProcessorCount,
    IReadOnlyList<InvoicingRun> Runs,
    InvoicingMedians Median);

/// <summary>Medians over the runs.</summary>
public sealed record InvoicingMedians(
    double? ShipmentsPerSecond,
    double? InvoicesPerSecond,
    double? ShipmentToCapturedP50Ms,
    double? ShipmentToCapturedP95Ms,
    double? ShipmentToCapturedP99Ms,
    double? ServerCpuMsPerInvoice,
    double? GatewayCallsInFlight,
    double? PeakCaptureCallsInFlight,
    double? CaptureCallP99Ms,
    double? RawInvoicesPerSecond,
    double? RawP99Ms,
    double? WaybillToRaw,
    double? Unpaid);
