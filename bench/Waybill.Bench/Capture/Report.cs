using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Waybill.Bench.Capture;

/// <summary>The stdout table and the JSON results file. Several runs are summarised by the median of each figure.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A results file is read by people: keep '+' and non-ASCII as they are (it is never embedded in HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static double? Ratio(PhaseResult? waybill, PhaseResult? raw) =>
        waybill is null || raw is null || raw.OrdersPerSecond <= 0 ? null : Math.Round(waybill.OrdersPerSecond / raw.OrdersPerSecond, 4);

    public static CaptureResults Build(
        CaptureOptions options,
        DateTimeOffset startedAt,
        string? repoRoot,
        string? serverDll,
        string? postgresSource,
        IReadOnlyDictionary<string, string>? postgresSettings,
        OrderMix mix,
        IReadOnlyList<RunResult> runs)
    {
        var waybillRuns = runs.Where(r => r.Waybill is not null).Select(r => r.Waybill!).ToList();
        var rawRuns = runs.Where(r => r.Raw is not null).Select(r => r.Raw!).ToList();

        var waybill = waybillRuns.Count == 0 ? null : Median(waybillRuns.Select(w => w.Phase).ToList(), waybillRuns.Select(w => w.Memory).ToList());
        var raw = rawRuns.Count == 0 ? null : Median(rawRuns, memory: null);
        var ratio = Median(runs.Select(r => r.WaybillToRaw));

        return new CaptureResults(
            Benchmark: "capture",
            StartedAt: startedAt,
            Database: options.Database,
            Target: options.Target,
            Clients: options.Clients,
            WarmupSeconds: options.WarmupSeconds,
            DurationSeconds: options.DurationSeconds,
            Runs: options.Runs,
            Seed: options.Seed,
            Machine: new MachineInfo(
                Environment.ProcessorCount,
                Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
                RuntimeInformation.OSDescription,
                RuntimeInformation.FrameworkDescription),
            GitCommit: repoRoot is null ? null : GitCommit(repoRoot),
            ServerDll: serverDll,
            PostgresSource: postgresSource,
            PostgresSettings: postgresSettings,
            Orders: mix,
            Waybill: waybill,
            Raw: raw,
            WaybillToRaw: ratio,
            RunResults: runs);
    }

    public static void PrintTable(CaptureResults results)
    {
        var runs = results.Runs == 1 ? "1 run" : $"{results.Runs} runs, medians";
        Console.WriteLine($"Capture: {results.Database}, {results.Clients} clients, {results.WarmupSeconds} s warmup + {results.DurationSeconds} s measured, {runs}");
        Console.WriteLine($"{"",-18} {"orders/s",10} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9} {"errors",8} {"peak RSS MB",12} {"server CPU",11} {"bench CPU",10}");

        if (results.Runs > 1)
        {
            foreach (var run in results.RunResults)
            {
                if (run.Waybill is not null)
                {
                    PrintRow($"Waybill run {run.Run}", Summarise(run.Waybill.Phase, run.Waybill.Memory));
                }
                else if (run.WaybillError is not null)
                {
                    Console.WriteLine($"{"Waybill run " + run.Run,-18} failed");
                }

                if (run.Raw is not null)
                {
                    PrintRow($"Raw SQL run {run.Run}", Summarise(run.Raw, memory: null));
                }
            }

            Console.WriteLine(new string('-', 115));
        }

        if (results.Waybill is not null)
        {
            PrintRow("Waybill (HTTP)", results.Waybill);
        }
        else if (results.RunResults.Any(r => r.WaybillError is not null))
        {
            var error = results.RunResults.First(r => r.WaybillError is not null).WaybillError!;
            Console.WriteLine($"{"Waybill (HTTP)",-18} failed: {error.Split('\n')[0]}");
        }

        if (results.Raw is not null)
        {
            PrintRow("Raw SQL (Npgsql)", results.Raw);
        }

        if (results.WaybillToRaw is { } ratio)
        {
            Console.WriteLine($"{"Waybill / raw",-18} {ratio * 100,9:F1} %");
        }

        if (results.Waybill is { Errors: > 0 } || results.Raw is { Errors: > 0 })
        {
            foreach (var run in results.RunResults)
            {
                PrintErrorKinds($"Waybill run {run.Run}", run.Waybill?.Phase);
                PrintErrorKinds($"Raw SQL run {run.Run}", run.Raw);
            }
        }
    }

    /// <summary>Prints the first few failure details of a run, so a contract mismatch shows its message.</summary>
    public static void PrintErrorSamples(PhaseResult? waybill, PhaseResult? raw)
    {
        foreach (var phase in new[] { waybill, raw })
        {
            if (phase is null || phase.ErrorSamples.Count == 0)
            {
                continue;
            }

            Console.WriteLine($"  first {phase.Name} errors:");
            foreach (var sample in phase.ErrorSamples)
            {
                Console.WriteLine($"    {sample}");
            }
        }
    }

    public static async Task WriteJsonAsync(CaptureResults results, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, results, JsonOptions, cancellationToken);
    }

    private static SummaryFigures Summarise(PhaseResult phase, ServerMemory? memory) => new(
        phase.OrdersPerSecond, phase.P50Ms, phase.P95Ms, phase.P99Ms, phase.MaxMs, phase.Errors, memory?.PeakRssMb, memory?.MaxSampledRssMb,
        phase.ServerCpuCores, phase.BenchCpuCores);

    private static SummaryFigures Median(IReadOnlyList<PhaseResult> phases, IReadOnlyList<ServerMemory>? memory) => new(
        Median(phases.Select(p => (double?)p.OrdersPerSecond)) ?? 0,
        Median(phases.Select(p => p.P50Ms)),
        Median(phases.Select(p => p.P95Ms)),
        Median(phases.Select(p => p.P99Ms)),
        Median(phases.Select(p => p.MaxMs)),
        Median(phases.Select(p => (double?)p.Errors)) ?? 0,
        memory is null ? null : Median(memory.Select(m => (double?)m.PeakRssMb)),
        memory is null ? null : Median(memory.Select(m => (double?)m.MaxSampledRssMb)),
        Median(phases.Select(p => p.ServerCpuCores)),
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

    private static void PrintRow(string label, SummaryFigures figures)
    {
        static string Ms(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";
        var rss = figures.PeakRssMb is { } peak ? peak.ToString("F1", CultureInfo.InvariantCulture) : "-";
        var serverCpu = figures.ServerCpuCores is { } cores ? cores.ToString("F2", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(
            $"{label,-18} {figures.OrdersPerSecond,10:F1} {Ms(figures.P50Ms),9} {Ms(figures.P95Ms),9} {Ms(figures.P99Ms),9} {Ms(figures.MaxMs),9} "
            + $"{figures.Errors,8:F0} {rss,12} {serverCpu,11} {figures.BenchCpuCores,10:F2}");
    }

    private static void PrintErrorKinds(string label, PhaseResult? phase)
    {
        if (phase is { Errors: > 0 })
        {
            Console.WriteLine($"  {label} errors: {string.Join(", ", phase.ErrorsByKind.Select(e => $"{e.Key} x{e.Value}"))}");
        }
    }

    public static string? GitCommit(string repoRoot)
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

/// <summary>The JSON results file.</summary>
public sealed record CaptureResults(
    string Benchmark,
    DateTimeOffset StartedAt,
    string Database,
    CaptureTarget Target,
    int Clients,
    int WarmupSeconds,
    int DurationSeconds,
    int Runs,
    int Seed,
    MachineInfo Machine,
    string? GitCommit,
    string? ServerDll,
    string? PostgresSource,
    IReadOnlyDictionary<string, string>? PostgresSettings,
    OrderMix Orders,
    SummaryFigures? Waybill,
    SummaryFigures? Raw,
    double? WaybillToRaw,
    IReadOnlyList<RunResult> RunResults);

/// <summary>One side's figures: a single run's, or the median of each figure over the runs.</summary>
public sealed record SummaryFigures(
    double OrdersPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    double Errors,
    double? PeakRssMb,
    double? MaxSampledRssMb,
    double? ServerCpuCores,
    double BenchCpuCores);

public sealed record MachineInfo(int ProcessorCount, double MemoryGb, string Os, string Runtime);
