using System.Diagnostics;
using System.Security.Cryptography;

namespace Waybill.Bench.Capture;

/// <summary>
/// <c>capture</c>: measures how many orders per second Waybill captures, and — in the same run, on the same
/// PostgreSQL cluster, with the same clients — how many a raw Npgsql writer manages for the same rows.
/// Each run starts from fresh databases and a fresh server process; <c>--runs K</c> reports medians.
/// </summary>
public static class CaptureCommand
{
    /// <summary>Distinct order bodies generated up front (the externalReference is patched in per order).</summary>
    private const int OrderTemplates = 10_000;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long after the load the automation may take to decide every order before the rest count as undecided.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(180);

    private static string Ms(double? ms) => ms is { } v ? $"{v:F0} ms" : "-";

    public static async Task<int> RunAsync(CaptureOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await CaptureAsync(options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: the server and databases were cleaned up on the way out; no results are written.
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
    }

    private static async Task<int> CaptureAsync(CaptureOptions options, CancellationToken cancellationToken)
    {
        var repoRoot = ServerProcess.FindRepoRoot();
        var startedAt = DateTimeOffset.UtcNow;

        // The server is also needed for the raw baseline: `waybill migrate` gives its database Waybill's schema.
        string? serverDll = null;
        if (options.RunsWaybill || options.Database != CaptureOptions.Sqlite)
        {
            serverDll = await ServerProcess.ResolveServerDllAsync(options.ServerDll, repoRoot, cancellationToken);
            if (serverDll is null)
            {
                return 2;
            }
        }

        if (options.Database == CaptureOptions.Sqlite && options.Target != CaptureTarget.Waybill)
        {
            Console.WriteLine("note: the raw-SQL baseline runs on PostgreSQL only; with sqlite only Waybill is measured.");
            if (options.Target == CaptureTarget.Raw)
            {
                return 2;
            }
        }

        // The prefix makes this invocation's externalReferences unique even against a reused database.
        var referencePrefix = "W-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)) + "-";
        var generation = Stopwatch.StartNew();
        var orders = OrderGenerator.Generate(OrderTemplates, options.Seed, referencePrefix);
        var mix = OrderMix.Of(orders);
        Console.WriteLine(
            $"Generated {orders.Length:N0} order bodies in {generation.ElapsedMilliseconds} ms: "
            + $"{mix.AverageProductLines:F2} lines/order, {mix.AverageBodyBytes:F0} bytes/body.");

        await using var postgres = options.Database == CaptureOptions.Postgres ? await BenchPostgres.StartAsync(cancellationToken) : null;
        var postgresSettings = postgres is null ? null : await postgres.DescribeAsync(cancellationToken);
        if (postgres is not null)
        {
            Console.WriteLine($"PostgreSQL {postgresSettings!["server_version"]} ({postgres.Source}).");
        }

        var sequence = new OrderSequence();
        var runs = new List<RunResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.WriteLine();
            Console.WriteLine($"Run {run}/{options.Runs}: {options.Database}, {options.Clients} clients, {options.WarmupSeconds} s warmup + {options.DurationSeconds} s measured");

            WaybillResult? waybill = null;
            string? waybillError = null;
            if (options.RunsWaybill)
            {
                try
                {
                    waybill = await MeasureWaybillAsync(options, serverDll!, postgres, orders, sequence, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Keep going: the raw baseline of this run is still worth having, and the report says what failed.
                    waybillError = exception.Message;
                    Console.Error.WriteLine($"  Waybill failed: {exception.Message}");
                }
            }

            PhaseResult? raw = null;
            if (options.RunsRaw)
            {
                raw = await MeasureRawAsync(options, serverDll!, postgres!, orders, sequence, cancellationToken);
            }

            runs.Add(new RunResult(run, waybill, waybillError, raw, Report.Ratio(waybill?.Phase, raw)));
            Report.PrintErrorSamples(waybill?.Phase, raw);
        }

        var results = Report.Build(options, startedAt, repoRoot, serverDll, postgres?.Source, postgresSettings, mix, runs);
        Console.WriteLine();
        Report.PrintTable(results);

        var path = options.ResultsPath is not null
            ? Path.GetFullPath(options.ResultsPath)
            : Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", "out", $"capture-{options.Database}-{startedAt:yyyyMMdd-HHmmss}.json");
        await Report.WriteJsonAsync(results, path, cancellationToken);
        Console.WriteLine($"Results: {path}");

        return runs.Any(r => r.WaybillError is not null) ? 1 : 0;
    }

    private static async Task<WaybillResult> MeasureWaybillAsync(
        CaptureOptions options, string serverDll, BenchPostgres? postgres, GeneratedOrder[] orders, OrderSequence sequence, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("waybill-bench-");
        var keepWork = true;
        try
        {
            var database = postgres is null
                ? Path.Combine(work.FullName, "bench.db")
                : await postgres.CreateFreshDatabaseAsync("waybill_bench", cancellationToken);
            if (postgres is not null)
            {
                await postgres.CheckpointAsync(cancellationToken);
            }

            var started = Stopwatch.StartNew();
            // Capture alone by default; with --flows the default flows run as in production and their lag is measured.
            var settings = new Dictionary<string, string> { ["Flows__Enabled"] = options.Flows ? "true" : "false" };
            await using var server = await ServerProcess.StartAsync(serverDll, database, work.FullName, ReadyTimeout, cancellationToken, settings);
            Console.WriteLine($"  Waybill ready in {started.Elapsed.TotalSeconds:F1} s (pid {server.ProcessId}, {server.BaseAddress})");

            // A server that dies mid-run stops the load at once instead of counting connection errors for 30 s.
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

            if (options.Flows)
            {
                var seeding = Stopwatch.StartNew();
                await RoutingStock.SeedAsync(server.BaseAddress, server.ApiKey, options.Seed, cancellationToken);
                Console.WriteLine($"  stocked 5 warehouses for routing in {seeding.Elapsed.TotalSeconds:F1} s");
            }

            using var driver = new LoadDriver(server.BaseAddress, server.ApiKey, options.Clients);
            PhaseResult phase;
            try
            {
                phase = await ClosedLoop.RunAsync(
                    "waybill", options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.DurationSeconds),
                    orders, sequence, driver.CreateClientAsync, serverGone.Token, server.CpuTime);
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
            AutomationResult? automation = null;
            if (options.Flows)
            {
                automation = await AutomationLag.MeasureAsync(server.BaseAddress, server.ApiKey, phase.MeasuredSeconds, DrainLimit, server.CpuTime, cancellationToken);
                Console.WriteLine(
                    $"  automation: {automation.Decided:N0} of {automation.OrdersCreated:N0} orders decided ({automation.Held:N0} held), "
                    + $"{automation.DecisionsPerSecond:F1} decisions/s against {automation.CapturedPerSecond:F1} captures/s in the window, "
                    + $"created→decided p50 {Ms(automation.P50Ms)} p99 {Ms(automation.P99Ms)}, backlog at load end {automation.BacklogAtLoadEnd:N0}, "
                    + (automation.DrainSeconds is { } drain ? $"drained {drain:F1} s after" : $"{automation.UndecidedAfterDrainLimit:N0} undecided after {DrainLimit.TotalSeconds:F0} s"));
                Console.WriteLine(
                    $"  routing: {automation.Routed:N0} approved orders routed ({automation.Backordered:N0} backordered), "
                    + $"{automation.RoutedPerSecond:F1} routed/s in the window, created→routed p50 {Ms(automation.RouteP50Ms)} p99 {Ms(automation.RouteP99Ms)}, "
                    + $"{automation.UnroutedApproved:N0} approved but not routed at the end");
                if (automation.DrainCpuMsPerDecision is { } perRun)
                    Console.WriteLine($"  after the load: {automation.DecidedAfterLoad:N0} decided, {perRun:F2} ms of server CPU per decision");
                foreach (var (error, count) in automation.FailedRunErrors.GroupBy(e => e).Select(g => (g.Key, g.Count())))
                    Console.WriteLine(error.StartsWith("undecided order", StringComparison.Ordinal)
                        ? $"    {error}"
                        : $"    failed runs ({count} of the newest 100): {error}");
            }
            // Orders the automation never decided: keep the server's log to see why.
            keepWork = automation is { UndecidedAfterDrainLimit: > 0 };
            return new WaybillResult(phase, memory, automation);
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

    private static async Task<PhaseResult> MeasureRawAsync(
        CaptureOptions options, string serverDll, BenchPostgres postgres, GeneratedOrder[] orders, OrderSequence sequence, CancellationToken cancellationToken)
    {
        var connection = await postgres.CreateFreshDatabaseAsync("raw_bench", cancellationToken);
        await using var baseline = await RawSqlBaseline.CreateAsync(connection, serverDll, cancellationToken);
        await postgres.CheckpointAsync(cancellationToken);
        var phase = await ClosedLoop.RunAsync(
            "raw-sql", options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.DurationSeconds),
            orders, sequence, baseline.CreateClientAsync, cancellationToken);

        // A sanity check that every order wrote its whole set of rows (warmup and stragglers included).
        var rows = await baseline.CountRowsAsync(cancellationToken);
        var orderRows = Math.Max(1, rows["orders"]);
        Console.WriteLine($"  raw-sql wrote {rows["orders"]:N0} orders, {rows.Values.Sum() / (double)orderRows:F1} rows/order "
            + $"({string.Join(", ", rows.Select(r => $"{r.Key} {r.Value:N0}"))})");
        return phase;
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

/// <summary>Waybill's side of one run: the load figures and the server's memory.</summary>
public sealed record WaybillResult(PhaseResult Phase, ServerMemory Memory, AutomationResult? Automation = null);

/// <summary>One run: both sides (either may be missing) and Waybill's share of the raw rate.</summary>
public sealed record RunResult(int Run, WaybillResult? Waybill, string? WaybillError, PhaseResult? Raw, double? WaybillToRaw);

/// <summary>What the generated orders look like, recorded with the results so runs are comparable.</summary>
public sealed record OrderMix(int Templates, double AverageProductLines, double AverageBodyBytes, int Skus, int Customers)
{
    public static OrderMix Of(IReadOnlyList<GeneratedOrder> orders) => new(
        orders.Count,
        orders.Average(o => o.Request.DeliveryGroups.Sum(g => g.Lines.Count)),
        orders.Average(o => o.BodyLength),
        OrderGenerator.SkuCount,
        OrderGenerator.CustomerCount);
}
