using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>The stdout table and the JSON results of an inventory benchmark; several runs are summarised by medians.</summary>
public static class InventoryReport
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static InventoryResults Build(
        InventoryOptions options,
        InventoryScenario scenario,
        DateTimeOffset startedAt,
        string? repoRoot,
        string serverDll,
        string? postgresSource,
        IReadOnlyDictionary<string, string>? postgresSettings,
        IReadOnlyList<InventoryRun> runs)
    {
        var waybillRuns = runs.Where(r => r.Waybill is not null).Select(r => r.Waybill!).ToList();
        var rawRuns = runs.Where(r => r.Raw is not null).Select(r => r.Raw!.Phase).ToList();
        var interactiveRuns = runs.Where(r => r.Raw is not null).Select(r => r.Raw!.Interactive).ToList();
        return new InventoryResults(
            Benchmark: options.Command,
            StartedAt: startedAt,
            Database: options.Database,
            Target: options.Target,
            Clients: options.Clients,
            WarmupSeconds: options.WarmupSeconds,
            DurationSeconds: options.DurationSeconds,
            Runs: options.Runs,
            Seed: options.Seed,
            Unit: scenario.Unit,
            Scenario: scenario.Parameters,
            Machine: new MachineInfo(
                Environment.ProcessorCount,
                Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
                RuntimeInformation.OSDescription,
                RuntimeInformation.FrameworkDescription),
            GitCommit: repoRoot is null ? null : GitCommit(repoRoot),
            ServerDll: serverDll,
            PostgresSource: postgresSource,
            PostgresSettings: postgresSettings,
            Waybill: waybillRuns.Count == 0 ? null : Median(waybillRuns.Select(w => w.Phase).ToList(), waybillRuns.Select(w => w.Memory).ToList()),
            Raw: rawRuns.Count == 0 ? null : Median(rawRuns, memory: null),
            RawInteractive: interactiveRuns.Count == 0 ? null : Median(interactiveRuns, memory: null),
            WaybillToRaw: Median(runs.Select(r => r.WaybillToRaw)),
            WaybillToRawInteractive: Median(runs.Select(r => r.WaybillToRawInteractive)),
            ChecksPassed: runs.All(r => r.Waybill?.Check is null or { Passed: true }
                && r.Raw?.Check is null or { Passed: true } && r.Raw?.InteractiveCheck is null or { Passed: true }),
            RunResults: runs);
    }

    public static void PrintRunDetails(InventoryRun run)
    {
        foreach (var (label, phase, check) in new[]
                 {
                     ("Waybill", run.Waybill?.Phase, run.Waybill?.Check),
                     ("raw-sql", run.Raw?.Phase, run.Raw?.Check),
                     ("raw-tx", run.Raw?.Interactive, run.Raw?.InteractiveCheck),
                 })
        {
            if (phase is null)
            {
                continue;
            }

            Console.WriteLine($"  {label}: {phase.PerSecond:F1}/s, p50 {phase.P50Ms} ms, p99 {phase.P99Ms} ms, {phase.TotalSuccesses:N0} successes in all; "
                + $"CPU per success: {CostMs(phase.ServerCpuCores, phase.PerSecond)} server, {CostMs(phase.DatabaseCpuCores, phase.PerSecond)} PostgreSQL, "
                + $"{CostMs(phase.BenchCpuCores, phase.PerSecond)} bench");
            if (phase.ErrorSamples.Count > 0)
            {
                Console.WriteLine($"  first {label} errors ({string.Join(", ", phase.TotalFailuresByKind.Select(e => $"{e.Key} x{e.Value}"))}):");
                foreach (var sample in phase.ErrorSamples)
                {
                    Console.WriteLine($"    {sample}");
                }
            }

            if (check is not null)
            {
                Console.WriteLine(check.Passed
                    ? $"  {label} books: OK — reserved {check.ReservedAtLocations:N0} = {check.ExpectedReserved:N0} answered, min ATF {check.MinAtf:N0}, groups = sum of their locations"
                    : $"  {label} books: WRONG — {string.Join("; ", check.Problems)}");
            }
        }

        if (run.WaybillToRaw is { } ratio)
        {
            Console.WriteLine($"  Waybill / raw: {ratio:F2} (Waybill / raw interactive transaction: {run.WaybillToRawInteractive:F2})");
        }
    }

    public static void PrintTable(InventoryResults results)
    {
        var runs = results.Runs == 1 ? "1 run" : $"{results.Runs} runs, medians";
        Console.WriteLine($"{results.Benchmark}: {results.Database}, {results.Clients} clients, {results.WarmupSeconds} s warmup + {results.DurationSeconds} s measured, {runs}");
        Console.WriteLine($"{"",-18} {results.Unit,16} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9} {"errors",8} {"peak RSS MB",12} {"server CPU",11} {"PG CPU",7} {"bench CPU",10}  books");

        if (results.Runs > 1)
        {
            foreach (var run in results.RunResults)
            {
                if (run.Waybill is not null)
                {
                    PrintRow($"Waybill run {run.Run}", Summarise(run.Waybill.Phase, run.Waybill.Memory), Books(run.Waybill.Check));
                }
                else if (run.WaybillError is not null)
                {
                    Console.WriteLine($"{"Waybill run " + run.Run,-18} failed");
                }

                if (run.Raw is not null)
                {
                    PrintRow($"Raw SQL run {run.Run}", Summarise(run.Raw.Phase, memory: null), Books(run.Raw.Check));
                    PrintRow($"Raw tx run {run.Run}", Summarise(run.Raw.Interactive, memory: null), Books(run.Raw.InteractiveCheck));
                }
            }

            Console.WriteLine(new string('-', 136));
        }

        if (results.Waybill is not null)
        {
            PrintRow("Waybill (HTTP)", results.Waybill, "");
        }
        else if (results.RunResults.FirstOrDefault(r => r.WaybillError is not null) is { } failed)
        {
            Console.WriteLine($"{"Waybill (HTTP)",-18} failed: {failed.WaybillError!.Split('\n')[0]}");
        }

        if (results.Raw is not null)
        {
            PrintRow("Raw SQL (1 trip)", results.Raw, "");
        }

        if (results.RawInteractive is not null)
        {
            PrintRow("Raw SQL (tx)", results.RawInteractive, "");
        }

        if (results.WaybillToRaw is { } ratio)
        {
            Console.WriteLine($"{"Waybill / raw",-18} {ratio,16:F2} x   (raw = one transaction a reservation in one round trip: the limit)");
        }

        if (results.WaybillToRawInteractive is { } interactive)
        {
            Console.WriteLine($"{"Waybill / raw tx",-18} {interactive,16:F2} x   (raw tx = BEGIN+UPDATE, then COMMIT: the lock held across a round trip)");
        }

        if (results.RunResults.Any(r => r.Waybill?.Check is not null || r.Raw is not null))
        {
            Console.WriteLine($"Books after every run (reserved = 201s answered, ATF >= 0, groups = sum of locations): {(results.ChecksPassed ? "OK" : "WRONG")}");
        }
    }

    public static async Task WriteJsonAsync(InventoryResults results, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, results, JsonOptions, cancellationToken);
    }

    /// <summary>Milliseconds of CPU per success: busy cores divided by the rate.</summary>
    private static string CostMs(double? cores, double perSecond) =>
        cores is { } c && perSecond > 0 ? (c * 1000 / perSecond).ToString("F3", CultureInfo.InvariantCulture) + " ms" : "-";

    private static string Books(StockCheckResult? check) => check is null ? "-" : check.Passed ? "OK" : "WRONG";

    private static InventoryFigures Summarise(LoadResult phase, ServerMemory? memory) => new(
        phase.PerSecond, phase.P50Ms, phase.P95Ms, phase.P99Ms, phase.MaxMs, phase.Errors, memory?.PeakRssMb, memory?.MaxSampledRssMb,
        phase.ServerCpuCores, phase.DatabaseCpuCores, phase.BenchCpuCores);

    private static InventoryFigures Median(IReadOnlyList<LoadResult> phases, IReadOnlyList<ServerMemory>? memory) => new(
        Median(phases.Select(p => (double?)p.PerSecond)) ?? 0,
        Median(phases.Select(p => p.P50Ms)),
        Median(phases.Select(p => p.P95Ms)),
        Median(phases.Select(p => p.P99Ms)),
        Median(phases.Select(p => p.MaxMs)),
        Median(phases.Select(p => (double?)p.Errors)) ?? 0,
        memory is null ? null : Median(memory.Select(m => (double?)m.PeakRssMb)),
        memory is null ? null : Median(memory.Select(m => (double?)m.MaxSampledRssMb)),
        Median(phases.Select(p => p.ServerCpuCores)),
        Median(phases.Select(p => p.DatabaseCpuCores)),
        Median(phases.Select(p => (double?)p.BenchCpuCores)) ?? 0);

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : Math.Round((sorted[middle - 1] + sorted[middle]) / 2, 4);
    }

    private static void PrintRow(string label, InventoryFigures figures, string books)
    {
        static string Ms(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";
        var rss = figures.PeakRssMb is { } peak ? peak.ToString("F1", CultureInfo.InvariantCulture) : "-";
        var serverCpu = figures.ServerCpuCores is { } cores ? cores.ToString("F2", CultureInfo.InvariantCulture) : "-";
        var databaseCpu = figures.DatabaseCpuCores is { } db ? db.ToString("F2", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(
            $"{label,-18} {figures.PerSecond,16:F1} {Ms(figures.P50Ms),9} {Ms(figures.P95Ms),9} {Ms(figures.P99Ms),9} {Ms(figures.MaxMs),9} "
            + $"{figures.Errors,8:F0} {rss,12} {serverCpu,11} {databaseCpu,7} {figures.BenchCpuCores,10:F2}  {books}");
    }

    private static string? GitCommit(string repoRoot)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = repoRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "describe", "--always", "--dirty" })
            {
                start.ArgumentList.Add(argument);
            }

            using var git = Process.Start(start);
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // No git on this machine.
        }
    }
}

/// <summary>The JSON results file of an inventory benchmark.</summary>
public sealed record InventoryResults(
    string Benchmark,
    DateTimeOffset StartedAt,
    string Database,
    CaptureTarget Target,
    int Clients,
    int WarmupSeconds,
    int DurationSeconds,
    int Runs,
    int Seed,
    string Unit,
    IReadOnlyDictionary<string, object> Scenario,
    MachineInfo Machine,
    string? GitCommit,
    string ServerDll,
    string? PostgresSource,
    IReadOnlyDictionary<string, string>? PostgresSettings,
    InventoryFigures? Waybill,
    InventoryFigures? Raw,
    InventoryFigures? RawInteractive,
    double? WaybillToRaw,
    double? WaybillToRawInteractive,
    bool ChecksPassed,
    IReadOnlyList<InventoryRun> RunResults);

/// <summary>One side's figures: a single run's, or the median of each figure over the runs. The rate is per second of the window.</summary>
public sealed record InventoryFigures(
    double PerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    double Errors,
    double? PeakRssMb,
    double? MaxSampledRssMb,
    double? ServerCpuCores,
    double? DatabaseCpuCores,
    double BenchCpuCores);
