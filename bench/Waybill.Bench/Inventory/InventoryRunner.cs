using System.Diagnostics;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>
/// Runs an inventory benchmark the way <c>capture</c> runs: for each of <c>--runs</c> a fresh database and a fresh Release
/// server process (<see cref="ServerProcess"/>, on <see cref="BenchPostgres"/> or a new SQLite file), the scenario's seed,
/// a closed-loop load, the scenario's check of the books — then, for <c>reserve-hot</c> on PostgreSQL, the raw-SQL limit
/// on another fresh database of the same cluster with the same clients. Medians over the runs are reported.
/// </summary>
public static class InventoryRunner
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(InventoryOptions options, CancellationToken cancellationToken)
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

    private static async Task<int> MeasureAsync(InventoryOptions options, CancellationToken cancellationToken)
    {
        var repoRoot = ServerProcess.FindRepoRoot();
        var startedAt = DateTimeOffset.UtcNow;
        var scenario = options.CreateScenario();

        if (options.Target == CaptureTarget.Raw && !options.RunsRaw)
        {
            Console.Error.WriteLine($"error: --target raw needs {InventoryOptions.ReserveHot} on postgres (only it has a raw-SQL baseline).");
            return 2;
        }

        // The server is also needed for the raw baseline: `waybill migrate` gives its database Waybill's schema.
        if (await ServerProcess.ResolveServerDllAsync(options.ServerDll, repoRoot, cancellationToken) is not { } serverDll)
        {
            return 2;
        }

        Console.WriteLine($"Server: {serverDll}");
        await using var postgres = options.Database == CaptureOptions.Postgres ? await BenchPostgres.StartAsync(cancellationToken) : null;
        var postgresSettings = postgres is null ? null : await postgres.DescribeAsync(cancellationToken);
        if (postgres is not null)
        {
            Console.WriteLine($"PostgreSQL {postgresSettings!["server_version"]} ({postgres.Source}).");
        }

        var databaseCpu = postgres is null ? null : await PostgresCpu.ForClusterAsync(postgres.AdminConnectionString, cancellationToken);
        var runs = new List<InventoryRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.WriteLine();
            Console.WriteLine($"Run {run}/{options.Runs}: {options.Command}, {options.Database}, {options.Clients} clients, {options.WarmupSeconds} s warmup + {options.DurationSeconds} s measured");

            WaybillInventoryResult? waybill = null;
            string? waybillError = null;
            if (options.RunsWaybill)
            {
                try
                {
                    waybill = await MeasureWaybillAsync(options, scenario, serverDll, postgres, databaseCpu, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    waybillError = exception.Message;
                    Console.Error.WriteLine($"  Waybill failed: {exception.Message}");
                }
            }

            RawInventoryResult? raw = null;
            if (options.RunsRaw)
            {
                raw = await MeasureRawAsync(options, serverDll, postgres!, databaseCpu, cancellationToken);
            }

            static double? Ratio(LoadResult? waybill, LoadResult? raw) =>
                waybill is null || raw is null || raw.PerSecond <= 0 ? null : Math.Round(waybill.PerSecond / raw.PerSecond, 3);
            runs.Add(new InventoryRun(run, waybill, waybillError, raw, Ratio(waybill?.Phase, raw?.Phase), Ratio(waybill?.Phase, raw?.Interactive)));
            InventoryReport.PrintRunDetails(runs[^1]);
        }

        var results = InventoryReport.Build(options, scenario, startedAt, repoRoot, serverDll, postgres?.Source, postgresSettings, runs);
        Console.WriteLine();
        InventoryReport.PrintTable(results);

        var path = options.ResultsPath is not null
            ? Path.GetFullPath(options.ResultsPath)
            : Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", "out", $"{options.Command}-{options.Database}-{startedAt:yyyyMMdd-HHmmss}.json");
        await InventoryReport.WriteJsonAsync(results, path, cancellationToken);
        Console.WriteLine($"Results: {path}");

        var failed = runs.Any(r => r.WaybillError is not null)
            || runs.Any(r => r.Waybill?.Check is { Passed: false } || r.Raw?.Check is { Passed: false } || r.Raw?.InteractiveCheck is { Passed: false });
        return failed ? 1 : 0;
    }

    private static async Task<WaybillInventoryResult> MeasureWaybillAsync(
        InventoryOptions options, InventoryScenario scenario, string serverDll, BenchPostgres? postgres, Func<TimeSpan>? databaseCpu, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("waybill-bench-inv-");
        var keepWork = true;
        try
        {
            var database = postgres is null
                ? Path.Combine(work.FullName, "bench.db")
                : await postgres.CreateFreshDatabaseAsync("waybill_bench", cancellationToken);
            var postgresConnection = postgres is null ? null : database;

            var started = Stopwatch.StartNew();
            await using var server = await ServerProcess.StartAsync(serverDll, database, work.FullName, ReadyTimeout, cancellationToken);
            Console.WriteLine($"  Waybill ready in {started.Elapsed.TotalSeconds:F1} s (pid {server.ProcessId}, {server.BaseAddress})");

            // A server that dies mid-run stops the load at once instead of counting connection errors for the rest of it.
            using var serverGone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _ = server.Exited.ContinueWith(
                _ =>
                {
                    try
                    {
                        serverGone.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The run finished and the bench killed the server itself.
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            using var api = new InventoryHttp(server.BaseAddress, server.ApiKey, options.Clients);
            var seeding = Stopwatch.StartNew();
            await scenario.SetUpAsync(api, postgresConnection, serverGone.Token);
            Console.WriteLine($"  set up and checked in {seeding.Elapsed.TotalSeconds:F1} s");
            if (postgres is not null)
            {
                await postgres.CheckpointAsync(cancellationToken);
            }

            LoadResult phase;
            try
            {
                phase = await InventoryLoop.RunAsync(
                    "waybill", scenario.Unit, options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.DurationSeconds),
                    (index, _) => Task.FromResult(scenario.CreateClient(api, index)), serverGone.Token, server.CpuTime, databaseCpu);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw server.ExitedDuringRun();
            }

            if (server.Exited.IsCompleted)
            {
                throw server.ExitedDuringRun();
            }

            var memory = server.ReadMemory();
            var check = await scenario.CheckAsync(api, postgresConnection, phase, cancellationToken);
            keepWork = check is { Passed: false };
            return new WaybillInventoryResult(phase, memory, check);
        }
        finally
        {
            if (keepWork && !cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"  (kept {work.FullName} for inspection)");
            }
            else
            {
                TryDelete(work);
            }
        }
    }

    private static async Task<RawInventoryResult> MeasureRawAsync(
        InventoryOptions options, string serverDll, BenchPostgres postgres, Func<TimeSpan>? databaseCpu, CancellationToken cancellationToken)
    {
        var connection = await postgres.CreateFreshDatabaseAsync("raw_bench", cancellationToken);
        await using var baseline = await RawHotSkuBaseline.CreateAsync(connection, serverDll, HotSkuScenario.HotSku, HotSkuScenario.OnHand, cancellationToken);

        // One round trip a reservation: the limit. Then the interactive transaction an application would write.
        var phases = new List<(LoadResult Phase, StockCheckResult Check)>();
        foreach (var (name, create) in new (string, Func<int, CancellationToken, Task<ILoadClient>>)[]
                 {
                     ("raw-sql", baseline.CreateClientAsync),
                     ("raw-tx", baseline.CreateInteractiveClientAsync),
                 })
        {
            await baseline.ResetAsync(cancellationToken);
            await postgres.CheckpointAsync(cancellationToken);
            var phase = await InventoryLoop.RunAsync(
                name, "reservations/s", options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.DurationSeconds),
                create, cancellationToken, serverCpuTime: null, databaseCpu);

            // The same books as Waybill's: reserved on the row equals the updates that found stock.
            var (reserved, atf) = await baseline.ReadRowAsync(cancellationToken);
            var problems = new List<string>();
            if (reserved != phase.TotalSuccesses)
            {
                problems.Add($"reserved is {reserved:N0}, but {phase.TotalSuccesses:N0} updates reported a row");
            }

            if (atf < 0)
            {
                problems.Add($"ATF is {atf}");
            }

            phases.Add((phase, new StockCheckResult(1, reserved, phase.TotalSuccesses, atf, 0, atf < 0 ? 1 : 0, problems)));
        }

        return new RawInventoryResult(phases[0].Phase, phases[0].Check, phases[1].Phase, phases[1].Check);
    }


    private static void TryDelete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing a finished run for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Waybill's side of one run: the load figures, the server's memory and the books afterwards.</summary>
public sealed record WaybillInventoryResult(LoadResult Phase, ServerMemory Memory, StockCheckResult? Check);

/// <summary>
/// The raw-SQL side of one run: the limit (one round trip a reservation), the interactive transaction (two), and the
/// row's books after each.
/// </summary>
public sealed record RawInventoryResult(LoadResult Phase, StockCheckResult Check, LoadResult Interactive, StockCheckResult InteractiveCheck);

/// <summary>One run: both sides (either may be missing) and Waybill's rate divided by each raw rate.</summary>
public sealed record InventoryRun(
    int Run, WaybillInventoryResult? Waybill, string? WaybillError, RawInventoryResult? Raw, double? WaybillToRaw, double? WaybillToRawInteractive);
