using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>One client of an inventory benchmark: sends request number <c>sequence</c> and says how it went.</summary>
public interface ILoadClient : IAsyncDisposable
{
    ValueTask<CaptureAttempt> SendAsync(long sequence, CancellationToken cancellationToken);
}

/// <summary>
/// The closed loop of the inventory benchmarks, measured exactly as <see cref="ClosedLoop"/> measures a capture: N clients
/// each send a request, wait for the whole answer and send the next, for a warmup and then a measured window; a request
/// counts in the window its answer arrives in, and only successes feed the latency histogram and the rate. Unlike a
/// capture, the requests are not orders, and every success is counted (warmup and after-window ones too), so a run can
/// be checked against what the database holds afterwards.
/// </summary>
public static class InventoryLoop
{
    private const int MaxErrorSamples = 5;

    // One hour in microseconds: anything slower is clamped rather than throwing from the histogram.
    private const long HighestLatencyMicros = 3_600_000_000;

    public static async Task<LoadResult> RunAsync(
        string name,
        string unit,
        int clients,
        TimeSpan warmup,
        TimeSpan duration,
        Func<int, CancellationToken, Task<ILoadClient>> createClient,
        CancellationToken cancellationToken,
        Func<TimeSpan>? serverCpuTime = null,
        Func<TimeSpan>? databaseCpuTime = null)
    {
        // Connect every client before the clock starts, so connection setup is not part of the warmup budget.
        var created = new ILoadClient[clients];
        try
        {
            for (var i = 0; i < clients; i++)
            {
                created[i] = await createClient(i, cancellationToken);
            }

            var shared = new SharedState();
            var start = Stopwatch.GetTimestamp();
            shared.MeasureStart = start + ToTicks(warmup);
            shared.MeasureEnd = shared.MeasureStart + ToTicks(duration);

            var workers = created.Select(client => Task.Run(() => WorkAsync(client, shared, cancellationToken), cancellationToken)).ToArray();
            var progress = ReportProgressAsync(name, unit, shared, start, Task.WhenAll(workers), cancellationToken);
            var cpuAtStart = ReadCpuAtAsync(shared.MeasureStart, serverCpuTime, databaseCpuTime, cancellationToken);
            var tallies = await Task.WhenAll(workers);
            await progress;
            var cpu = CpuShares.Between(await cpuAtStart, CpuShares.Read(serverCpuTime, databaseCpuTime));

            // Workers stop quietly on cancellation; a cut-short window must not pass for a measurement.
            cancellationToken.ThrowIfCancellationRequested();

            return Summarise(name, clients, duration, tallies, shared, cpu);
        }
        finally
        {
            foreach (var client in created)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }
    }

    private static async Task<Tally> WorkAsync(ILoadClient client, SharedState shared, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        while (!cancellationToken.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= shared.MeasureEnd)
            {
                break;
            }

            var sequence = Interlocked.Increment(ref shared.Sequence);
            CaptureAttempt attempt;
            try
            {
                attempt = await client.SendAsync(sequence, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var answered = Stopwatch.GetTimestamp();
            var measured = answered >= shared.MeasureStart && answered < shared.MeasureEnd;
            if (attempt.Succeeded)
            {
                Interlocked.Increment(ref shared.Completed);
                tally.AllSuccesses++;
                if (measured)
                {
                    tally.Successes++;
                    var micros = (long)Stopwatch.GetElapsedTime(sent, answered).TotalMicroseconds;
                    tally.Latency.RecordValue(Math.Clamp(micros, 1, HighestLatencyMicros));
                }

                continue;
            }

            var kind = attempt.Kind ?? "unknown";
            tally.AllFailures[kind] = tally.AllFailures.GetValueOrDefault(kind) + 1;
            if (measured)
            {
                tally.Failures[kind] = tally.Failures.GetValueOrDefault(kind) + 1;
            }

            if (Interlocked.Increment(ref shared.ErrorSampleCount) <= MaxErrorSamples)
            {
                shared.ErrorSamples.Enqueue($"[{kind}] {attempt.Detail}");
            }

            // A dead or refusing target fails in microseconds; back off a little so a broken run does not
            // spin the CPU the database and server need, and its error count stays meaningful.
            if (attempt.Kind is "connection" or "timeout")
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }

        return tally;
    }

    private static async Task ReportProgressAsync(string name, string unit, SharedState shared, long start, Task workers, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(5);
        var lastCount = 0L;
        var lastTime = start;
        while (!workers.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAny(workers, Task.Delay(interval, cancellationToken)).ConfigureAwait(false);
            if (workers.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var count = Interlocked.Read(ref shared.Completed);
            var rate = (count - lastCount) / Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
            var phase = lastTime < shared.MeasureStart ? "warmup" : "measure"; // the phase the interval began in
            Console.WriteLine($"  {name,-8} {phase,-7} t={Stopwatch.GetElapsedTime(start, now).TotalSeconds,5:F0}s  {rate,9:F1} {unit}");
            lastCount = count;
            lastTime = now;
        }
    }

    // CPU is read when the measured window opens and once the last worker is done (a request's length after
    // it closes), so it covers the window, not the warmup.
    private static async Task<CpuShares.Reading> ReadCpuAtAsync(
        long timestamp, Func<TimeSpan>? serverCpuTime, Func<TimeSpan>? databaseCpuTime, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        return CpuShares.Read(serverCpuTime, databaseCpuTime);
    }

    private static LoadResult Summarise(string name, int clients, TimeSpan duration, Tally[] tallies, SharedState shared, CpuShares cpu)
    {
        var latency = new LongHistogram(HighestLatencyMicros, 3);
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var allFailures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long successes = 0, allSuccesses = 0;
        foreach (var tally in tallies)
        {
            latency.Add(tally.Latency);
            successes += tally.Successes;
            allSuccesses += tally.AllSuccesses;
            foreach (var (kind, count) in tally.Failures)
            {
                failures[kind] = failures.GetValueOrDefault(kind) + count;
            }

            foreach (var (kind, count) in tally.AllFailures)
            {
                allFailures[kind] = allFailures.GetValueOrDefault(kind) + count;
            }
        }

        static double Millis(long micros) => Math.Round(micros / 1000.0, 2);
        var any = latency.TotalCount > 0;
        return new LoadResult(
            Name: name,
            Clients: clients,
            MeasuredSeconds: duration.TotalSeconds,
            Successes: successes,
            PerSecond: Math.Round(successes / duration.TotalSeconds, 1),
            P50Ms: any ? Millis(latency.GetValueAtPercentile(50)) : null,
            P95Ms: any ? Millis(latency.GetValueAtPercentile(95)) : null,
            P99Ms: any ? Millis(latency.GetValueAtPercentile(99)) : null,
            MaxMs: any ? Millis(latency.GetMaxValue()) : null,
            Errors: failures.Values.Sum(),
            ErrorsByKind: failures,
            TotalSuccesses: allSuccesses,
            TotalFailuresByKind: allFailures,
            BenchCpuCores: cpu.BenchCores,
            ServerCpuCores: cpu.ServerCores,
            DatabaseCpuCores: cpu.DatabaseCores,
            ErrorSamples: shared.ErrorSamples.ToArray());
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private sealed class SharedState
    {
        public long Sequence;
        public long MeasureStart;
        public long MeasureEnd;
        public long Completed;
        public int ErrorSampleCount;
        public ConcurrentQueue<string> ErrorSamples { get; } = new();
    }

    // Per worker, so recording never contends; merged once at the end.
    private sealed class Tally
    {
        public LongHistogram Latency { get; } = new(HighestLatencyMicros, 3);
        public long Successes;
        public long AllSuccesses;
        public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> AllFailures { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>
/// What one target (Waybill or raw SQL) achieved in one measured window. <see cref="Successes"/> and the latencies cover
/// the window; <see cref="TotalSuccesses"/> and <see cref="TotalFailuresByKind"/> count every answer of the phase
/// (warmup and the requests still in flight when the window closed included), for the checks made afterwards.
/// </summary>
public sealed record LoadResult(
    string Name,
    int Clients,
    double MeasuredSeconds,
    long Successes,
    double PerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    long TotalSuccesses,
    IReadOnlyDictionary<string, long> TotalFailuresByKind,
    double BenchCpuCores,
    double? ServerCpuCores,
    double? DatabaseCpuCores,
    IReadOnlyList<string> ErrorSamples);

/// <summary>Average cores busy during the window: the bench itself, the server process, and the PostgreSQL cluster.</summary>
public readonly record struct CpuShares(double BenchCores, double? ServerCores, double? DatabaseCores)
{
    public static Reading Read(Func<TimeSpan>? server, Func<TimeSpan>? database)
    {
        using var self = Process.GetCurrentProcess();
        return new Reading(Stopwatch.GetTimestamp(), self.TotalProcessorTime, server?.Invoke(), database?.Invoke());
    }

    public static CpuShares Between(Reading start, Reading end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        if (seconds <= 0)
        {
            return new CpuShares(0, null, null);
        }

        double? Cores(TimeSpan? a, TimeSpan? b) => a is { } from && b is { } to ? Math.Round((to - from).TotalSeconds / seconds, 2) : null;
        return new CpuShares(Cores(start.Bench, end.Bench) ?? 0, Cores(start.Server, end.Server), Cores(start.Database, end.Database));
    }

    public readonly record struct Reading(long Timestamp, TimeSpan Bench, TimeSpan? Server, TimeSpan? Database);
}
