using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Import;

/// <summary>
/// <c>import</c>: how fast Waybill applies a large stock file. Each run starts a fresh database and server, creates the
/// locations, then times one <c>POST /api/v1/inventory/imports?mode=delta</c> of the generated NDJSON file from the first
/// byte sent until <c>GET …/imports/{id}</c> says <c>completed</c>, and reads the server's peak RSS.
/// </summary>
public static class ImportCommand
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(30);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(ImportOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await MeasureAsync(options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
    }

    private static async Task<int> MeasureAsync(ImportOptions options, CancellationToken cancellationToken)
    {
        var repoRoot = ServerProcess.FindRepoRoot();
        var startedAt = DateTimeOffset.UtcNow;
        if (await ServerProcess.ResolveServerDllAsync(options.ServerDll, repoRoot, cancellationToken) is not { } serverDll)
        {
            return 2;
        }

        var fileFolder = Directory.CreateTempSubdirectory("waybill-bench-import-");
        var file = Path.Combine(fileFolder.FullName, "stock.ndjson");
        var generation = Stopwatch.StartNew();
        var bytes = StockFile.Write(file, options.Records, options.Locations);
        Console.WriteLine($"Generated {options.Records:N0} records ({options.Locations:N0} locations × {options.SkusPerLocation:N0} SKUs, "
            + $"{bytes / (1024.0 * 1024):F1} MiB of NDJSON) in {generation.Elapsed.TotalSeconds:F1} s: {file}");

        try
        {
            await using var postgres = options.Database == CaptureOptions.Postgres ? await BenchPostgres.StartAsync(cancellationToken) : null;
            var postgresSettings = postgres is null ? null : await postgres.DescribeAsync(cancellationToken);
            if (postgres is not null)
            {
                Console.WriteLine($"PostgreSQL {postgresSettings!["server_version"]} ({postgres.Source}).");
            }

            var runs = new List<ImportRun>();
            for (var run = 1; run <= options.Runs; run++)
            {
                Console.WriteLine();
                Console.WriteLine($"Run {run}/{options.Runs}: {options.Database}, {options.Records:N0} records");
                try
                {
                    runs.Add(await MeasureRunAsync(run, options, serverDll, postgres, file, bytes, cancellationToken));
                    var r = runs[^1];
                    Console.WriteLine($"  {r.Status}: {r.RecordsPerSecond:N0} records/s ({r.TotalSeconds:F2} s: upload {r.UploadSeconds:F2} s, "
                        + $"applied in {r.ServerSeconds:F2} s), peak RSS {r.Memory.PeakRssMb:F0} MB, server CPU {r.ServerCpuCores:F2} cores");
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Console.Error.WriteLine($"  run {run} failed: {exception.Message}");
                    runs.Add(ImportRun.Failed(run, exception.Message));
                }
            }

            var done = runs.Where(r => r.Error is null).ToList();
            var summary = done.Count == 0 ? null : new ImportSummary(
                Median(done.Select(r => r.RecordsPerSecond)),
                Median(done.Select(r => r.TotalSeconds)),
                Median(done.Select(r => r.UploadSeconds)),
                Median(done.Select(r => r.ServerSeconds)),
                Median(done.Select(r => r.Memory.PeakRssMb)),
                Median(done.Select(r => r.Memory.MaxSampledRssMb)),
                Median(done.Select(r => r.ServerCpuCores)));

            Console.WriteLine();
            Console.WriteLine($"Import: {options.Database}, {options.Records:N0} records, {options.Runs} run(s){(options.Runs > 1 ? ", medians" : "")}"
                + (options.BatchSize is { } size ? $", batch size {size}" : ""));
            Console.WriteLine($"{"",-10} {"records/s",11} {"total s",9} {"upload s",9} {"applied s",10} {"peak RSS MB",12} {"server CPU",11}");
            foreach (var r in runs)
            {
                if (r.Error is not null)
                {
                    Console.WriteLine($"{"run " + r.Run,-10} failed");
                }
                else if (options.Runs > 1)
                {
                    Console.WriteLine($"{"run " + r.Run,-10} {r.RecordsPerSecond,11:N0} {r.TotalSeconds,9:F2} {r.UploadSeconds,9:F2} {r.ServerSeconds,10:F2} {r.Memory.PeakRssMb,12:F0} {r.ServerCpuCores,11:F2}");
                }
            }

            if (summary is not null)
            {
                Console.WriteLine($"{"Waybill",-10} {summary.RecordsPerSecond,11:N0} {summary.TotalSeconds,9:F2} {summary.UploadSeconds,9:F2} {summary.ServerSeconds,10:F2} {summary.PeakRssMb,12:F0} {summary.ServerCpuCores,11:F2}");
            }

            var results = new ImportResults(
                "import", startedAt, options, bytes,
                new MachineInfo(Environment.ProcessorCount, Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
                    RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription),
                repoRoot is null ? null : Report.GitCommit(repoRoot), serverDll, postgres?.Source, postgresSettings, summary, runs);
            var path = options.ResultsPath is not null
                ? Path.GetFullPath(options.ResultsPath)
                : Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", "out", $"import-{options.Database}-{startedAt:yyyyMMdd-HHmmss}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var output = File.Create(path))
            {
                await JsonSerializer.SerializeAsync(output, results, JsonOptions, cancellationToken);
            }

            Console.WriteLine($"Results: {path}");
            return done.Count == runs.Count ? 0 : 1;
        }
        finally
        {
            if (options.KeepFile)
            {
                Console.WriteLine($"(kept {file})");
            }
            else
            {
                fileFolder.Delete(recursive: true);
            }
        }
    }

    private static async Task<ImportRun> MeasureRunAsync(
        int run, ImportOptions options, string serverDll, BenchPostgres? postgres, string file, long bytes, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("waybill-bench-");
        var keepWork = true;
        try
        {
            var database = postgres is null
                ? Path.Combine(work.FullName, "bench.db")
                : await postgres.CreateFreshDatabaseAsync("waybill_bench", cancellationToken);
            var environment = new Dictionary<string, string> { ["Inventory__ImportFolder"] = Path.Combine(work.FullName, "imports") };
            if (options.BatchSize is { } batchSize)
            {
                environment["Inventory__ImportBatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture);
            }

            await using var server = await ServerProcess.StartAsync(serverDll, database, work.FullName, ReadyTimeout, cancellationToken, environment);
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = ImportTimeout };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.ApiKey);

            await CreateLocationsAsync(http, options.Locations, cancellationToken);
            if (postgres is not null)
            {
                await postgres.CheckpointAsync(cancellationToken);
            }

            var cpuBefore = server.CpuTime();
            var clock = Stopwatch.StartNew();
            JsonObject accepted;
            await using (var body = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                using var content = new StreamContent(body, 1 << 16);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                content.Headers.ContentLength = bytes;
                using var response = await http.PostAsync("api/v1/inventory/imports?mode=delta", content, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"POST answered {(int)response.StatusCode}: {text}");
                }

                accepted = JsonNode.Parse(text)!.AsObject();
            }

            var upload = clock.Elapsed;
            var id = accepted["id"]!.GetValue<string>();
            JsonObject import;
            while (true)
            {
                import = JsonNode.Parse(await http.GetStringAsync($"api/v1/inventory/imports/{id}", cancellationToken))!.AsObject();
                var status = import["status"]!.GetValue<string>();
                if (status is "completed" or "failed")
                {
                    break;
                }

                if (server.Exited.IsCompleted)
                {
                    throw server.ExitedDuringRun();
                }

                if (clock.Elapsed > ImportTimeout)
                {
                    throw new TimeoutException($"The import did not finish within {ImportTimeout.TotalMinutes} minutes: {import.ToJsonString()}");
                }

                await Task.Delay(20, cancellationToken);
            }

            var total = clock.Elapsed;
            var cpu = server.CpuTime() - cpuBefore;
            var memory = server.ReadMemory();
            var applied = import["recordsApplied"]!.GetValue<long>();
            if (import["status"]!.GetValue<string>() != "completed" || applied != options.Records)
            {
                import["errors"] = new JsonArray(import["errors"]!.AsArray().Take(3).Select(e => e!.DeepClone()).ToArray());
                throw new InvalidOperationException($"The import did not apply every record (first errors only): {import.ToJsonString()}");
            }

            var serverSeconds = (import["finishedAt"]!.GetValue<DateTimeOffset>() - import["startedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds;
            await CheckFiguresAsync(http, options, cancellationToken);
            keepWork = Environment.GetEnvironmentVariable("WAYBILL_BENCH_KEEP_WORK") is not null;
            return new ImportRun(run, "completed", applied, Math.Round(applied / total.TotalSeconds), Math.Round(total.TotalSeconds, 3),
                Math.Round(upload.TotalSeconds, 3), Math.Round(serverSeconds, 3), memory, Math.Round(cpu.TotalSeconds / total.TotalSeconds, 2), null);
        }
        finally
        {
            if (keepWork && !cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"  (kept {work.FullName} for inspection)");
            }
            else
            {
                try
                {
                    work.Delete(recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>Two clients create the locations (a few seconds for a thousand); the import then finds them all.</summary>
    private static async Task CreateLocationsAsync(HttpClient http, int locations, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, locations), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                using var content = new StringContent(StockFile.LocationBody(index), StockFile.Utf8NoBom, "application/json");
                using var response = await http.PutAsync($"api/v1/locations/{StockFile.LocationCode(index)}", content, token);
                if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
                {
                    throw new InvalidOperationException($"PUT location answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                }
            });
        Console.WriteLine($"  {locations:N0} locations created in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A spot check that the stock landed: the last record's SKU at its location and in the group <c>all</c>.</summary>
    private static async Task CheckFiguresAsync(HttpClient http, ImportOptions options, CancellationToken cancellationToken)
    {
        var last = options.Records - 1;
        var location = StockFile.LocationCode(last / options.SkusPerLocation);
        var sku = $"SKU-{last % options.SkusPerLocation + 1:D6}";
        var expected = (int)(last * 7919L % 500);
        var body = JsonNode.Parse(await http.GetStringAsync($"api/v1/inventory/availability?skus={sku}&locations={location}", cancellationToken))!;
        var onHand = body["items"]![0]!["onHand"]!.GetValue<long>();
        if (onHand != expected)
        {
            throw new InvalidOperationException($"{sku} at {location} shows onHand {onHand}, the file says {expected}.");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

}

/// <summary>One run: records/s from the first byte sent to <c>completed</c>; the upload and the server's own apply time.</summary>
public sealed record ImportRun(
    int Run, string Status, long RecordsApplied, double RecordsPerSecond, double TotalSeconds, double UploadSeconds, double ServerSeconds,
    ServerMemory Memory, double ServerCpuCores, string? Error)
{
    public static ImportRun Failed(int run, string error) => new(run, "failed", 0, 0, 0, 0, 0, new ServerMemory(0, 0), 0, error);
}

public sealed record ImportSummary(
    double RecordsPerSecond, double TotalSeconds, double UploadSeconds, double ServerSeconds, double PeakRssMb, double MaxSampledRssMb, double ServerCpuCores);

public sealed record ImportResults(
    string Benchmark, DateTimeOffset StartedAt, ImportOptions Options, long FileBytes, MachineInfo Machine, string? GitCommit, string ServerDll,
    string? PostgresSource, IReadOnlyDictionary<string, string>? PostgresSettings, ImportSummary? Median, IReadOnlyList<ImportRun> Runs);
