using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Payments;

/// <summary>
/// <c>invoicing</c> (issue 6): how fast shipped goods are invoiced and paid through the mock gateway with its latency.
/// Per run, on fresh databases and a fresh server with the default flows on: stock the five warehouses, capture
/// <c>--orders</c> orders and wait until flows 1 and 2 have routed them all (not measured). Then <c>--clients</c>
/// clients ship every open fulfillment order whole, as fast as they can, while the <c>invoice.paid</c> feed is followed
/// until every shipment's invoice is paid (flow 4: invoice, then ensure-funds — a capture through the gateway). All
/// times are the server's (one clock): shipment <c>createdAt</c>, invoice <c>updatedAt</c> when paid. Then the raw-SQL
/// limit (<see cref="RawInvoicingBaseline"/>) invoices as many orders, with the same clients and gateway delay, on the
/// same cluster.
/// </summary>
public static class InvoicingRunner
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RoutedTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FeedPoll = TimeSpan.FromMilliseconds(500);
    private const int SetupParallelism = 16;

    public static async Task<int> RunAsync(InvoicingOptions options, CancellationToken cancellationToken)
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

    private static async Task<int> MeasureAsync(InvoicingOptions options, CancellationToken cancellationToken)
    {
        var repoRoot = ServerProcess.FindRepoRoot();
        var startedAt = DateTimeOffset.UtcNow;
        var serverDll = await ServerProcess.ResolveServerDllAsync(options.ServerDll, repoRoot, cancellationToken);
        if (serverDll is null) return 2;

        await using var postgres = await BenchPostgres.StartAsync(cancellationToken);
        var settings = await postgres.DescribeAsync(cancellationToken);
        Console.WriteLine($"PostgreSQL {settings["server_version"]} ({postgres.Source}); load average {LoadAverage()}.");

        var runs = new List<InvoicingRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.WriteLine();
            Console.WriteLine($"Run {run}/{options.Runs}: {options.Orders:N0} orders, {options.Clients} clients shipping, gateway latency {options.GatewayLatencyMs} ms");
            WaybillInvoicing? waybill = null;
            string? error = null;
            try
            {
                waybill = await MeasureWaybillAsync(options, serverDll, postgres, run, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                error = exception.Message;
                Console.Error.WriteLine($"  Waybill failed: {exception.Message}");
            }

            var rawInvoices = waybill?.Shipments ?? options.Orders;
            var raw = await MeasureRawAsync(options, serverDll, postgres, rawInvoices, cancellationToken);
            runs.Add(new InvoicingRun(run, waybill, error, raw, waybill is null ? null : waybill.InvoicesPerSecond / raw.InvoicesPerSecond, LoadAverage()));
        }

        var results = InvoicingReport.Build(options, startedAt, repoRoot, serverDll, postgres.Source, settings, runs);
        Console.WriteLine();
        InvoicingReport.PrintTable(results);
        var path = options.ResultsPath is not null
            ? Path.GetFullPath(options.ResultsPath)
            : Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", "out", $"invoicing-postgres-{startedAt:yyyyMMdd-HHmmss}.json");
        await InvoicingReport.WriteJsonAsync(results, path, cancellationToken);
        Console.WriteLine($"Results: {path}");
        return runs.Any(r => r.WaybillError is not null || r.Waybill is { Unpaid: > 0 }) ? 1 : 0;
    }

    private static async Task<WaybillInvoicing> MeasureWaybillAsync(
        InvoicingOptions options, string serverDll, BenchPostgres postgres, int run, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("waybill-bench-");
        var keep = true;
        try
        {
            var database = await postgres.CreateFreshDatabaseAsync("waybill_invoicing", cancellationToken);
            var environment = new Dictionary<string, string>
            {
                ["Flows__Enabled"] = "true",
                ["WAYBILL_MOCK_GATEWAY_LATENCY_MS"] = options.GatewayLatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            await using var server = await ServerProcess.StartAsync(serverDll, database, work.FullName, ReadyTimeout, cancellationToken, environment);
            Console.WriteLine($"  Waybill ready (pid {server.ProcessId}, {server.BaseAddress})");
            using var http = new InvoicingHttp(server.BaseAddress, server.ApiKey, Math.Max(options.Clients, SetupParallelism));

            // Set-up, not measured: stock, orders, and flows 1 and 2 routing every one of them.
            var setup = Stopwatch.StartNew();
            await RoutingStock.SeedAsync(server.BaseAddress, server.ApiKey, options.Seed, cancellationToken);
            Console.WriteLine($"  stocked 5 warehouses in {setup.Elapsed.TotalSeconds:F1} s");
            var prefix = $"pay{run}x{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            var bodies = InvoicingOrders.Generate(options.Orders, options.Seed + run, prefix);
            setup.Restart();
            await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, CancellationToken = cancellationToken },
                async (body, token) => await http.CaptureOrderAsync(body, token));
            Console.WriteLine($"  captured {bodies.Count:N0} orders in {setup.Elapsed.TotalSeconds:F1} s");
            var (routed, backordered) = await WaitUntilRoutedAsync(http, bodies.Count, server, cancellationToken);
            Console.WriteLine($"  routed {routed:N0} orders ({backordered:N0} backordered) {setup.Elapsed.TotalSeconds:F1} s after the first capture");
            var open = await http.ListFulfillmentOrdersAsync("allocated", cancellationToken);
            var fulfillmentOrders = open.Where(fo => fo.Lines.Count > 0).ToList();
            Console.WriteLine($"  {fulfillmentOrders.Count:N0} fulfillment orders to ship ({fulfillmentOrders.Sum(f => f.Lines.Count):N0} lines)");
            await postgres.CheckpointAsync(cancellationToken);
            // Let the flows finish what the routing left (e.g. availability announcements) before the clock starts.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);

            // Measured: ship everything, follow invoice.paid until every shipment's invoice is paid.
            var paid = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal); // shipment id → invoice paid (updatedAt)
            using var feedStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var cpuBefore = server.CpuTime();
            var feed = FollowPaidAsync(http, paid, feedStop.Token);
            var shipped = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var httpLatencies = new ConcurrentBag<double>();
            var errors = new ConcurrentBag<string>();
            var queue = new ConcurrentQueue<OpenFulfillmentOrder>(fulfillmentOrders);
            var shipping = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async _ =>
            {
                while (queue.TryDequeue(out var fo))
                {
                    var sent = Stopwatch.GetTimestamp();
                    var attempt = await http.ShipAsync(fo, cancellationToken);
                    httpLatencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (attempt.ShipmentId is not null) shipped[attempt.ShipmentId] = attempt.CreatedAt!.Value;
                    else errors.Add($"{fo.Id}: {attempt.Error}");
                }
            }));
            var shippingSeconds = shipping.Elapsed.TotalSeconds;
            Console.WriteLine($"  shipped {shipped.Count:N0} fulfillment orders in {shippingSeconds:F1} s ({shipped.Count / shippingSeconds:F1}/s), {errors.Count} failed");
            foreach (var sample in errors.Take(3)) Console.WriteLine($"    {sample}");

            var waited = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            while (shipped.Keys.Any(id => !paid.ContainsKey(id)) && waited.Elapsed < TimeSpan.FromSeconds(options.PaidTimeoutSeconds))
            {
                if (server.Exited.IsCompleted) throw server.ExitedDuringRun();
                if (waited.Elapsed - lastReport > TimeSpan.FromSeconds(15))
                {
                    lastReport = waited.Elapsed;
                    Console.WriteLine($"    {paid.Count:N0} of {shipped.Count:N0} invoices paid, {waited.Elapsed.TotalSeconds:F0} s after the last shipment");
                }
                await Task.Delay(250, cancellationToken);
            }
            var cpu = server.CpuTime() - cpuBefore;
            await feedStop.CancelAsync();
            await feed;

            var unpaid = shipped.Keys.Count(id => !paid.ContainsKey(id));
            var failedInvoices = unpaid == 0 ? 0 : await http.CountInvoicesAsync("failed", cancellationToken);
            var openInvoices = unpaid == 0 ? 0 : await http.CountInvoicesAsync("open", cancellationToken);
            var calls = await GatewayCallsAsync(http, fulfillmentOrders.Select(f => f.OrderId).Distinct().ToList(), cancellationToken);
            var firstShipment = shipped.Values.Min();
            var paidOfShipped = shipped.Where(s => paid.ContainsKey(s.Key)).Select(s => (Shipped: s.Value, Paid: paid[s.Key])).ToList();
            var lastPaid = paidOfShipped.Count == 0 ? firstShipment : paidOfShipped.Max(p => p.Paid);
            var span = Math.Max(0.001, (lastPaid - firstShipment).TotalSeconds);
            var toCaptured = paidOfShipped.Select(p => (p.Paid - p.Shipped).TotalMilliseconds).Order().ToList();
            var httpSorted = httpLatencies.Order().ToList();
            var invoicesPerSecond = paidOfShipped.Count / span;
            var result = new WaybillInvoicing(
                Orders: bodies.Count,
                Backordered: backordered,
                Shipments: shipped.Count,
                ShipmentErrors: errors.Count,
                ShipmentsPerSecond: shipped.Count / shippingSeconds,
                ShipHttpP50Ms: Percentiles.Of(httpSorted, 0.50),
                ShipHttpP99Ms: Percentiles.Of(httpSorted, 0.99),
                InvoicesPaid: paidOfShipped.Count,
                Unpaid: unpaid,
                UnpaidFailed: failedInvoices,
                UnpaidOpen: openInvoices,
                FirstShipmentToLastPaidSeconds: span,
                InvoicesPerSecond: invoicesPerSecond,
                ShipmentToCapturedP50Ms: Percentiles.Of(toCaptured, 0.50),
                ShipmentToCapturedP95Ms: Percentiles.Of(toCaptured, 0.95),
                ShipmentToCapturedP99Ms: Percentiles.Of(toCaptured, 0.99),
                ShipmentToCapturedMaxMs: toCaptured.Count == 0 ? null : toCaptured[^1],
                ServerCpuSeconds: cpu.TotalSeconds,
                ServerCpuMsPerInvoice: paidOfShipped.Count == 0 ? null : cpu.TotalMilliseconds / paidOfShipped.Count,
                GatewayCallsInFlight: invoicesPerSecond * options.GatewayLatencyMs / 1000.0,
                CaptureCalls: calls.Count,
                CaptureCallP50Ms: Percentiles.Of(calls.Durations, 0.50),
                CaptureCallP99Ms: Percentiles.Of(calls.Durations, 0.99),
                PeakCaptureCallsInFlight: calls.Peak,
                Memory: server.ReadMemory());
            Console.WriteLine(
                $"  paid {result.InvoicesPaid:N0} of {result.Shipments:N0} invoices: {result.InvoicesPerSecond:F1} invoices/s over {span:F1} s, "
                + $"shipment→captured p50 {result.ShipmentToCapturedP50Ms:F0} p95 {result.ShipmentToCapturedP95Ms:F0} p99 {result.ShipmentToCapturedP99Ms:F0} ms, "
                + $"server CPU {result.ServerCpuMsPerInvoice:F1} ms/invoice, gateway calls in flight {result.GatewayCallsInFlight:F2} on average, "
                + $"{calls.Peak} at most ({calls.Count:N0} captures logged→answered p50 {result.CaptureCallP50Ms:F0} p99 {result.CaptureCallP99Ms:F0} ms)"
                + (unpaid == 0 ? "" : $"; {unpaid:N0} UNPAID ({failedInvoices:N0} failed, {openInvoices:N0} open invoices)"));
            keep = unpaid > 0;
            return result;
        }
        finally
        {
            if (keep && !cancellationToken.IsCancellationRequested) Console.Error.WriteLine($"  (kept {work.FullName} for inspection)");
            else TryDelete(work);
        }
    }

    private static async Task<RawInvoicingResult> MeasureRawAsync(
        InvoicingOptions options, string serverDll, BenchPostgres postgres, int invoices, CancellationToken cancellationToken)
    {
        var connection = await postgres.CreateFreshDatabaseAsync("raw_invoicing", cancellationToken);
        await using var baseline = await RawInvoicingBaseline.CreateAsync(connection, serverDll, invoices, cancellationToken);
        await postgres.CheckpointAsync(cancellationToken);
        var raw = await baseline.RunAsync(options.Clients, options.GatewayLatencyMs, cancellationToken);
        var complete = await baseline.CheckAsync(cancellationToken);
        Console.WriteLine(
            $"  raw-sql: {raw.Invoices:N0} invoices in {raw.Seconds:F1} s = {raw.InvoicesPerSecond:F1} invoices/s, "
            + $"p50 {raw.P50Ms:F1} p99 {raw.P99Ms:F1} ms{(complete ? "" : " — CHECK FAILED: not every invoice paid once")}");
        if (!complete) throw new InvalidOperationException("The raw-SQL baseline did not pay every invoice exactly once.");
        return raw;
    }

    /// <summary>
    /// The capture calls of the run from the orders' interaction logs (read after the run, not measured): how long each
    /// took from being logged to being answered, and the most that were under way at one moment — the direct evidence
    /// that gateway calls overlap rather than queue.
    /// </summary>
    private static async Task<CaptureCalls> GatewayCallsAsync(InvoicingHttp http, IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        var intervals = new ConcurrentBag<(DateTimeOffset RequestedAt, DateTimeOffset At)>();
        await Parallel.ForEachAsync(orderIds, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, token) =>
        {
            foreach (var call in await http.CaptureCallsAsync(id, token)) intervals.Add(call);
        });
        var durations = intervals.Select(i => (i.At - i.RequestedAt).TotalMilliseconds).Order().ToList();
        // Sweep: +1 when a call is logged, −1 when it is answered (answers first on a tie, so touching calls do not count as overlapping).
        var peak = 0;
        var current = 0;
        foreach (var (_, delta) in intervals.SelectMany(i => new[] { (i.RequestedAt, 1), (i.At, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2))
        {
            current += delta;
            peak = Math.Max(peak, current);
        }
        return new CaptureCalls(intervals.Count, durations, peak);
    }

    private sealed record CaptureCalls(int Count, IReadOnlyList<double> Durations, int Peak);

    /// <summary>Reads the feed until every order has its first <c>order.routed</c> or <c>order.backordered</c>.</summary>
    private static async Task<(int Routed, int Backordered)> WaitUntilRoutedAsync(InvoicingHttp http, int orders, ServerProcess server, CancellationToken cancellationToken)
    {
        var routed = new Dictionary<string, bool>(StringComparer.Ordinal);
        string? cursor = null;
        var waited = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (routed.Count < orders)
        {
            if (server.Exited.IsCompleted) throw server.ExitedDuringRun();
            if (waited.Elapsed > RoutedTimeout)
                throw new TimeoutException($"Only {routed.Count:N0} of {orders:N0} orders were routed within {RoutedTimeout.TotalMinutes:F0} minutes.");
            cursor = await http.ReadEventsAsync("order.routed,order.backordered", cursor,
                e => routed.TryAdd(e.GetProperty("subject").GetString()!, e.GetProperty("type").GetString() == "order.backordered"), cancellationToken);
            if (waited.Elapsed - lastReport > TimeSpan.FromSeconds(15))
            {
                lastReport = waited.Elapsed;
                Console.WriteLine($"    {routed.Count:N0} of {orders:N0} orders routed");
            }
            if (routed.Count < orders) await Task.Delay(1000, cancellationToken);
        }
        return (routed.Count, routed.Values.Count(b => b));
    }

    /// <summary>Follows <c>invoice.paid</c>: each paid invoice's shipment and the invoice's <c>updatedAt</c> (when it was paid).</summary>
    private static async Task FollowPaidAsync(InvoicingHttp http, ConcurrentDictionary<string, DateTimeOffset> paid, CancellationToken cancellationToken)
    {
        string? cursor = null;
        try
        {
            while (true)
            {
                cursor = await http.ReadEventsAsync("invoice.paid", cursor, e =>
                {
                    var invoice = e.GetProperty("data");
                    if (invoice.TryGetProperty("shipmentId", out var shipment) && shipment.ValueKind == JsonValueKind.String)
                        paid.TryAdd(shipment.GetString()!, invoice.GetProperty("updatedAt").GetDateTimeOffset());
                }, cancellationToken);
                await Task.Delay(FeedPoll, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
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

    private static void TryDelete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Waybill's side of one run (all times from the server's clock).</summary>
public sealed record WaybillInvoicing(
    int Orders,
    int Backordered,
    int Shipments,
    int ShipmentErrors,
    double ShipmentsPerSecond,
    double? ShipHttpP50Ms,
    double? ShipHttpP99Ms,
    int InvoicesPaid,
    int Unpaid,
    int UnpaidFailed,
    int UnpaidOpen,
    double FirstShipmentToLastPaidSeconds,
    double InvoicesPerSecond,
    double? ShipmentToCapturedP50Ms,
    double? ShipmentToCapturedP95Ms,
    double? ShipmentToCapturedP99Ms,
    double? ShipmentToCapturedMaxMs,
    double ServerCpuSeconds,
    double? ServerCpuMsPerInvoice,
    double GatewayCallsInFlight,
    int CaptureCalls,
    double? CaptureCallP50Ms,
    double? CaptureCallP99Ms,
    int PeakCaptureCallsInFlight,
    ServerMemory Memory);

/// <summary>One run: both sides and Waybill's share of the raw rate.</summary>
public sealed record InvoicingRun(int Run, WaybillInvoicing? Waybill, string? WaybillError, RawInvoicingResult Raw, double? WaybillToRaw, string LoadAverageAfter);
