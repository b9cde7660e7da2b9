using System.Diagnostics;
using System.Security.Cryptography;
using Waybill.Bench.Capture;
using Waybill.Bench.Payments;

namespace Waybill.Bench.Changes;

/// <summary>
/// <c>changes</c> (issue 8): preview and submit a partial cancel on large orders and on typical 3-line ones. Per run, on a
/// fresh database and server with the flows off (nothing is approved or routed, so every unit stays unallocated and
/// cancelable; no stock anywhere, so no reservation): capture the orders — a large one in parts of 500 lines, joined in
/// the database (<see cref="OrderJoin"/>) — and check one large order over HTTP against the same order captured in process
/// (not measured). Measured, one request at a time, order after order: <c>GET</c> the order (a reference: loading and
/// writing the whole order), preview the cancel, submit it. Then, server stopped, the same cancel's computation in process
/// (<see cref="CancelComputation"/>), and on PostgreSQL the raw-SQL limit (<see cref="RawCancelBaseline"/>) on the same
/// cluster.
/// </summary>
public static class ChangesRunner
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private const int SetupParallelism = 4;

    public static async Task<int> RunAsync(ChangesOptions options, CancellationToken cancellationToken)
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

    private static IReadOnlyList<SizeSpec> Sizes(ChangesOptions options) =>
    [
        new("large", options.LargeLines, options.LargeOrders, Math.Max(1, options.LargeOrders / 10)),
        new("small", 3, options.SmallOrders, Math.Max(2, options.SmallOrders / 10)),
    ];

    private static async Task<int> MeasureAsync(ChangesOptions options, CancellationToken cancellationToken)
    {
        var repoRoot = ServerProcess.FindRepoRoot();
        var startedAt = DateTimeOffset.UtcNow;
        var serverDll = await ServerProcess.ResolveServerDllAsync(options.ServerDll, repoRoot, cancellationToken);
        if (serverDll is null) return 2;
        var postgresRun = options.Database == CaptureOptions.Postgres;
        await using var postgres = postgresRun ? await BenchPostgres.StartAsync(cancellationToken) : null;
        var settings = postgres is null ? null : await postgres.DescribeAsync(cancellationToken);
        if (postgres is not null) Console.WriteLine($"PostgreSQL {settings!["server_version"]} ({postgres.Source}).");
        Console.WriteLine($"Load average before: {LoadAverage()} ({Environment.ProcessorCount} cores).");

        var sizes = Sizes(options);
        var runs = new List<ChangesRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.WriteLine();
            Console.WriteLine($"Run {run}/{options.Runs}: {options.Database}; "
                + string.Join(", ", sizes.Select(s => $"{s.Orders} {s.Lines}-line orders (+{s.Warmup} warm-up)")));
            var random = new Random(options.Seed + run);
            var prefix = $"chg{run}x{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            var planned = sizes.ToDictionary(s => s.Name, s => Enumerable.Range(0, s.Warmup + s.Orders)
                .Select(n => ChangeBenchOrders.Plan(s.Lines, random, $"{prefix}-{s.Name}-{n}")).ToList());

            Dictionary<string, WaybillSize>? waybill = null;
            string? error = null;
            try
            {
                waybill = await MeasureWaybillAsync(options, serverDll, postgres, sizes, planned, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                error = exception.Message;
                Console.Error.WriteLine($"  Waybill failed: {exception.Message}");
            }

            // The computation, with the server stopped: the first measured order of each size, the same cancel.
            var computation = new Dictionary<string, ComputationResult>(StringComparer.Ordinal);
            foreach (var size in sizes)
            {
                var order = planned[size.Name][size.Warmup];
                var iterations = size.Lines >= 100 ? options.Iterations : options.Iterations * 10;
                var result = CancelComputation.Measure(order, iterations, warmup: Math.Max(20, iterations / 5));
                computation[size.Name] = result;
                var http = waybill?.GetValueOrDefault(size.Name);
                // A joined order's promotions were spread per part on the server and over the whole order in process: the
                // units' shares may differ by a cent here and there (the same work either way). One part: exactly equal.
                var tolerance = order.Parts == 1 ? 0m : 0.01m * result.CanceledLines;
                var difference = http is null ? 0m : Math.Abs(http.FirstPreviewGrandTotalAfter - result.GrandTotalAfter);
                var same = http is null ? "" : difference == 0 ? ", totals after = the server's"
                    : difference <= tolerance ? $", totals after within {difference} of the server's (promotions spread per part there)"
                    : $" — TOTALS DIFFER: server {http.FirstPreviewGrandTotalAfter}, in process {result.GrandTotalAfter}";
                Console.WriteLine(
                    $"  computation {size.Name} ({result.Lines} lines, {result.CanceledLines} canceled, {result.Iterations} iterations): "
                    + $"preview+totals p50 {result.PreviewP50Ms:F3} p99 {result.PreviewP99Ms:F3} ms, cancel+totals p50 {result.SubmitP50Ms:F3} p99 {result.SubmitP99Ms:F3} ms, "
                    + $"answer JSON p50 {result.SerializeP50Ms:F3} ms ({result.AnswerBytes:N0} bytes){same}");
                if (difference > tolerance)
                    error ??= $"The {size.Name} order's totals after the cancel differ between the server and the domain in process.";
            }

            var raw = new Dictionary<string, RawCancelResult>(StringComparer.Ordinal);
            if (postgres is not null)
            {
                var connection = await postgres.CreateFreshDatabaseAsync("raw_changes", cancellationToken);
                await using var baseline = await RawCancelBaseline.CreateAsync(connection, serverDll,
                    [.. sizes.Select(s => (s.Name, s.Lines, s.Warmup + s.Orders))], cancellationToken);
                await postgres.CheckpointAsync(cancellationToken);
                foreach (var size in sizes)
                {
                    var result = await baseline.RunAsync(size.Name, size.Warmup + size.Orders, size.Warmup, cancellationToken);
                    var complete = await baseline.CheckAsync(size.Name, size.Warmup + size.Orders, size.Lines, cancellationToken);
                    raw[size.Name] = result;
                    Console.WriteLine($"  raw-sql {size.Name}: submit p50 {result.SubmitP50Ms:F2} p99 {result.SubmitP99Ms:F2} ms ({result.Cancels} cancels)"
                        + (complete ? "" : " — CHECK FAILED: not every order canceled once"));
                    if (!complete) throw new InvalidOperationException("The raw-SQL baseline did not cancel every order exactly once.");
                }
            }

            runs.Add(new ChangesRun(run, [.. sizes.Select(s => ChangesReport.Row(s, waybill?.GetValueOrDefault(s.Name), computation[s.Name], raw.GetValueOrDefault(s.Name)))],
                error, LoadAverage()));
        }

        var results = ChangesReport.Build(options, startedAt, repoRoot, serverDll, postgres?.Source, settings, runs);
        Console.WriteLine();
        ChangesReport.PrintTable(results);
        var path = options.ResultsPath is not null
            ? Path.GetFullPath(options.ResultsPath)
            : Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", "out", $"changes-{options.Database}-{startedAt:yyyyMMdd-HHmmss}.json");
        await ChangesReport.WriteJsonAsync(results, path, cancellationToken);
        Console.WriteLine($"Results: {path}");
        return runs.Any(r => r.Error is not null) ? 1 : 0;
    }

    private static async Task<Dictionary<string, WaybillSize>> MeasureWaybillAsync(ChangesOptions options, string serverDll, BenchPostgres? postgres,
        IReadOnlyList<SizeSpec> sizes, Dictionary<string, List<ChangeBenchOrders.Planned>> planned, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("waybill-bench-");
        var keep = true;
        try
        {
            var database = postgres is null
                ? Path.Combine(work.FullName, "bench.db")
                : await postgres.CreateFreshDatabaseAsync("waybill_changes", cancellationToken);
            // Flows off: no order is approved or routed, so every unit stays unallocated — what a cancel may take.
            var environment = new Dictionary<string, string> { ["Flows__Enabled"] = "false" };
            await using var server = await ServerProcess.StartAsync(serverDll, database, work.FullName, ReadyTimeout, cancellationToken, environment);
            Console.WriteLine($"  Waybill ready (pid {server.ProcessId}, {server.BaseAddress})");
            using var http = new ChangesHttp(server.BaseAddress, server.ApiKey);

            // Set-up, not measured: capture (large orders in parts, joined), then check a large order against the domain.
            var setup = Stopwatch.StartNew();
            var captured = new Dictionary<string, List<CapturedOrder>>(StringComparer.Ordinal);
            foreach (var size in sizes)
            {
                var orders = planned[size.Name];
                var result = new CapturedOrder[orders.Count];
                await Parallel.ForEachAsync(Enumerable.Range(0, orders.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, CancellationToken = cancellationToken }, async (n, token) =>
                    {
                        var parts = new List<CapturedOrder>();
                        foreach (var body in orders[n].PartBodies) parts.Add(await http.CaptureAsync(body, token));
                        await OrderJoin.JoinAsync(database, postgres is not null, [.. parts.Select(p => new OrderJoin.Part(p.Id, p.GroupId))], token);
                        result[n] = new CapturedOrder(parts[0].Id, parts[0].GroupId,
                            parts.SelectMany(p => p.LineIdsByReference).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
                    });
                captured[size.Name] = [.. result];
                Console.WriteLine($"  captured {orders.Count} {size.Lines}-line orders ({orders[0].Parts} part{(orders[0].Parts == 1 ? "" : "s")} each) in {setup.Elapsed.TotalSeconds:F1} s");
                setup.Restart();

                var check = orders[size.Warmup];
                var (state, _) = await http.GetOrderAsync(captured[size.Name][size.Warmup].Id, cancellationToken);
                var expected = CancelComputation.Measure(check, 1, 0).GrandTotal;
                if (state.ProductLines != size.Lines || state.GrandTotal != expected)
                    throw new InvalidOperationException(
                        $"The {size.Name} order over HTTP has {state.ProductLines} lines and grand total {state.GrandTotal}; in process {size.Lines} and {expected}.");
            }
            if (postgres is not null) await postgres.CheckpointAsync(cancellationToken);

            var results = new Dictionary<string, WaybillSize>(StringComparer.Ordinal);
            foreach (var size in sizes)
            {
                var get = new List<double>();
                var preview = new List<double>();
                var submit = new List<double>();
                decimal? firstAfter = null;
                var previewBytes = 0;
                var submitBytes = 0;
                var changeLines = 0;
                var cpuBefore = TimeSpan.Zero;
                for (var n = 0; n < size.Warmup + size.Orders; n++)
                {
                    if (server.Exited.IsCompleted) throw server.ExitedDuringRun();
                    if (n == size.Warmup) cpuBefore = server.CpuTime();
                    var planOf = planned[size.Name][n];
                    var order = captured[size.Name][n];
                    var body = ChangesHttp.CancelBody(ChangeBenchOrders.CanceledLineIndexes(size.Lines).Select(i => order.LineIdsByReference[planOf.Lines[i].Reference]));
                    var (_, getMs) = await http.GetOrderAsync(order.Id, cancellationToken);
                    var previewed = await http.CancelAsync(order.Id, body, preview: true, cancellationToken);
                    var submitted = await http.CancelAsync(order.Id, body, preview: false, cancellationToken);
                    if (previewed.GrandTotalAfter != submitted.GrandTotalAfter)
                        throw new InvalidOperationException($"Order {order.Id}: the preview's total after ({previewed.GrandTotalAfter}) is not the submit's ({submitted.GrandTotalAfter}).");
                    if (n < size.Warmup) continue;
                    firstAfter ??= previewed.GrandTotalAfter;
                    get.Add(getMs);
                    preview.Add(previewed.Ms);
                    submit.Add(submitted.Ms);
                    previewBytes = previewed.ResponseBytes;
                    submitBytes = submitted.ResponseBytes;
                    changeLines = submitted.ChangeLines;
                }
                var cpu = server.CpuTime() - cpuBefore;
                get.Sort();
                preview.Sort();
                submit.Sort();
                var result = new WaybillSize(size.Orders, changeLines, Percentiles.Of(get, 0.50), Percentiles.Of(get, 0.99),
                    Percentiles.Of(preview, 0.50), Percentiles.Of(preview, 0.99), Percentiles.Of(submit, 0.50), Percentiles.Of(submit, 0.99),
                    cpu.TotalMilliseconds / size.Orders, previewBytes, submitBytes, firstAfter!.Value);
                results[size.Name] = result;
                Console.WriteLine(
                    $"  waybill {size.Name} ({size.Lines} lines, {changeLines} change lines): GET p50 {result.GetP50Ms:F1} p99 {result.GetP99Ms:F1}, "
                    + $"preview p50 {result.PreviewP50Ms:F1} p99 {result.PreviewP99Ms:F1}, submit p50 {result.SubmitP50Ms:F1} p99 {result.SubmitP99Ms:F1} ms; "
                    + $"server CPU {result.ServerCpuMsPerOrder:F1} ms per order (GET + preview + submit)");
            }
            keep = false;
            return results;
        }
        finally
        {
            if (keep && !cancellationToken.IsCancellationRequested) Console.Error.WriteLine($"  (kept {work.FullName} for inspection)");
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

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

/// <param name="Warmup">Orders canceled before the measured ones, not counted (JIT, caches, pools).</param>
public sealed record SizeSpec(string Name, int Lines, int Orders, int Warmup);

/// <summary>Waybill's side of one size in one run (ms, one request at a time).</summary>
public sealed record WaybillSize(
    int Orders,
    int ChangeLines,
    double? GetP50Ms,
    double? GetP99Ms,
    double? PreviewP50Ms,
    double? PreviewP99Ms,
    double? SubmitP50Ms,
    double? SubmitP99Ms,
    double ServerCpuMsPerOrder,
    int PreviewBytes,
    int SubmitBytes,
    decimal FirstPreviewGrandTotalAfter);

/// <summary>What one <c>changes</c> invocation measures.</summary>
public sealed record ChangesOptions(
    string Database, int LargeLines, int LargeOrders, int SmallOrders, int Iterations, int Runs, string? ServerDll, string? ResultsPath, int Seed);
