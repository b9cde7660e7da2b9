using System.Globalization;
using System.Text.Json;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Changes;

/// <summary>
/// The <c>changes</c> results: per run and order size, Waybill's HTTP latencies, the computation in process, the rest
/// (HTTP − computation: database, HTTP, JSON, everything around the domain), the raw-SQL limit and Waybill ÷ raw; and the
/// median of each figure over the runs.
/// </summary>
public static class ChangesReport
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static SizeRow Row(SizeSpec size, WaybillSize? waybill, ComputationResult computation, RawCancelResult? raw) => new(
        size.Name, size.Lines, computation.CanceledLines, waybill, computation, raw,
        PreviewRestP50Ms: waybill?.PreviewP50Ms - computation.PreviewP50Ms,
        SubmitRestP50Ms: waybill?.SubmitP50Ms - computation.SubmitP50Ms,
        SubmitToRaw: waybill?.SubmitP50Ms / raw?.SubmitP50Ms);

    public static ChangesResults Build(ChangesOptions options, DateTimeOffset startedAt, string? repoRoot, string serverDll, string? postgresSource,
        IReadOnlyDictionary<string, string>? postgresSettings, IReadOnlyList<ChangesRun> runs)
    {
        var medians = runs.SelectMany(r => r.Sizes).GroupBy(s => s.Size).Select(g =>
        {
            var rows = g.ToList();
            double? M(Func<SizeRow, double?> pick) => Median(rows.Select(pick));
            return new SizeMedians(g.Key, rows[0].Lines, rows[0].CanceledLines,
                GetP50Ms: M(r => r.Waybill?.GetP50Ms), GetP99Ms: M(r => r.Waybill?.GetP99Ms),
                PreviewP50Ms: M(r => r.Waybill?.PreviewP50Ms), PreviewP99Ms: M(r => r.Waybill?.PreviewP99Ms),
                SubmitP50Ms: M(r => r.Waybill?.SubmitP50Ms), SubmitP99Ms: M(r => r.Waybill?.SubmitP99Ms),
                ServerCpuMsPerOrder: M(r => r.Waybill?.ServerCpuMsPerOrder),
                ComputePreviewP50Ms: M(r => r.Computation.PreviewP50Ms), ComputePreviewP99Ms: M(r => r.Computation.PreviewP99Ms),
                ComputeSubmitP50Ms: M(r => r.Computation.SubmitP50Ms), ComputeSubmitP99Ms: M(r => r.Computation.SubmitP99Ms),
                SerializeP50Ms: M(r => r.Computation.SerializeP50Ms),
                PreviewRestP50Ms: M(r => r.PreviewRestP50Ms), SubmitRestP50Ms: M(r => r.SubmitRestP50Ms),
                RawSubmitP50Ms: M(r => r.Raw?.SubmitP50Ms), RawSubmitP99Ms: M(r => r.Raw?.SubmitP99Ms),
                SubmitToRaw: M(r => r.SubmitToRaw));
        }).ToList();
        return new ChangesResults("changes", startedAt, options.Database, options, repoRoot is null ? null : Report.GitCommit(repoRoot), serverDll,
            postgresSource, postgresSettings, Environment.ProcessorCount, runs, medians);
    }

    public static void PrintTable(ChangesResults results)
    {
        static string F(double? value, string format = "F1") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(
            $"{"run",-7} {"size",-6} {"lines",6} {"GET p50",8} {"prev p50",9} {"p99",7} {"sub p50",8} {"p99",7} {"CPU/ord",8} "
            + $"{"comp prev",10} {"comp sub",9} {"json",6} {"rest prev",10} {"rest sub",9} {"raw p50",8} {"raw p99",8} {"W/raw",7}");
        foreach (var run in results.Runs)
        {
            foreach (var s in run.Sizes)
            {
                var w = s.Waybill;
                Console.WriteLine(
                    $"{run.Run,-7} {s.Size,-6} {s.Lines,6} {F(w?.GetP50Ms),8} {F(w?.PreviewP50Ms),9} {F(w?.PreviewP99Ms),7} {F(w?.SubmitP50Ms),8} {F(w?.SubmitP99Ms),7} "
                    + $"{F(w?.ServerCpuMsPerOrder),8} {F(s.Computation.PreviewP50Ms, "F3"),10} {F(s.Computation.SubmitP50Ms, "F3"),9} {F(s.Computation.SerializeP50Ms, "F3"),6} "
                    + $"{F(s.PreviewRestP50Ms),10} {F(s.SubmitRestP50Ms),9} {F(s.Raw?.SubmitP50Ms, "F2"),8} {F(s.Raw?.SubmitP99Ms, "F2"),8} {F(s.SubmitToRaw, "F1"),7}");
            }
        }
        foreach (var m in results.Median)
        {
            Console.WriteLine(
                $"{"median",-7} {m.Size,-6} {m.Lines,6} {F(m.GetP50Ms),8} {F(m.PreviewP50Ms),9} {F(m.PreviewP99Ms),7} {F(m.SubmitP50Ms),8} {F(m.SubmitP99Ms),7} "
                + $"{F(m.ServerCpuMsPerOrder),8} {F(m.ComputePreviewP50Ms, "F3"),10} {F(m.ComputeSubmitP50Ms, "F3"),9} {F(m.SerializeP50Ms, "F3"),6} "
                + $"{F(m.PreviewRestP50Ms),10} {F(m.SubmitRestP50Ms),9} {F(m.RawSubmitP50Ms, "F2"),8} {F(m.RawSubmitP99Ms, "F2"),8} {F(m.SubmitToRaw, "F1"),7}");
        }
        Console.WriteLine("(ms, one request at a time. comp: the domain computation in process — preview = PreviewCancel + TotalsAfter, sub = Cancel + totals; "
            + "json: the answer serialized in process; rest = HTTP p50 − comp p50: database, HTTP, JSON, validation, events, history; "
            + "CPU/ord: server CPU per order for GET + preview + submit; W/raw: submit p50 ÷ raw-SQL submit p50)");
    }

    public static async Task WriteJsonAsync(ChangesResults results, string path, CancellationToken cancellationToken)
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

/// <summary>One order size in one run.</summary>
public sealed record SizeRow(string Size, int Lines, int CanceledLines, WaybillSize? Waybill, ComputationResult Computation, RawCancelResult? Raw,
    double? PreviewRestP50Ms, double? SubmitRestP50Ms, double? SubmitToRaw);

public sealed record ChangesRun(int Run, IReadOnlyList<SizeRow> Sizes, string? Error, string LoadAverageAfter);

/// <summary>Medians over the runs of one order size.</summary>
public sealed record SizeMedians(
    string Size,
    int Lines,
    int CanceledLines,
    double? GetP50Ms,
    double? GetP99Ms,
    double? PreviewP50Ms,
    double? PreviewP99Ms,
    double? SubmitP50Ms,
    double? SubmitP99Ms,
    double? ServerCpuMsPerOrder,
    double? ComputePreviewP50Ms,
    double? ComputePreviewP99Ms,
    double? ComputeSubmitP50Ms,
    double? ComputeSubmitP99Ms,
    double? SerializeP50Ms,
    double? PreviewRestP50Ms,
    double? SubmitRestP50Ms,
    double? RawSubmitP50Ms,
    double? RawSubmitP99Ms,
    double? SubmitToRaw);

/// <summary>The JSON results file of <c>changes</c>.</summary>
public sealed record ChangesResults(
    string Benchmark,
    DateTimeOffset StartedAt,
    string Database,
    ChangesOptions Options,
    string? Commit,
    string ServerDll,
    string? PostgresSource,
    IReadOnlyDictionary<string, string>? PostgresSettings,
    int ProcessorCount,
    IReadOnlyList<ChangesRun> Runs,
    IReadOnlyList<SizeMedians> Median);
