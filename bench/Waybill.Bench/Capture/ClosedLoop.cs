using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Waybill.Bench.Capture;

/// <summary>One client of the system under test: sends one order and says how it went.</summary>
public interface ICaptureClient : IAsyncDisposable
{
    ValueTask<CaptureAttempt> CaptureAsync(GeneratedOrder order, long sequence, CancellationToken cancellationToken);
}

/// <summary>The outcome of one order. <see cref="Kind"/> groups failures in the report (an HTTP status, a SQLSTATE, ...).</summary>
public readonly record struct CaptureAttempt(bool Succeeded, string? Kind, string? Detail)
{
    public static CaptureAttempt Success { get; } = new(true, null, null);

    public static CaptureAttempt Failure(string kind, string detail) => new(false, kind, detail);
}

/// <summary>
/// A closed-loop load: N clients each send an order, wait for the answer and send the next, for a warmup and
/// then a measured window. Both Waybill and the raw-SQL baseline go through this same loop, so they are
/// measured the same way. A request counts in the window its answer arrives in; only successes feed the
/// latency histogram and the throughput.
/// </summary>
public static class ClosedLoop
{
    private const int MaxErrorSamples = 5;

    // One hour in microseconds: anything slower is clamped rather than throwing from the histogram.
    private const long HighestLatencyMicros = 3_600_000_000;

    public static async Task<PhaseResult> RunAsync(
        string name,
        int clients,
        TimeSpan warmup,
        TimeSpan duration,
        IReadOnlyList<GeneratedOrder> orders,
        OrderSequence sequence,
        Func<int, CancellationToken, Task<ICaptureClient>> createClient,
        CancellationToken cancellationToken,
        Func<TimeSpan>? targetCpuTime = null)
    {
        // Connect every client before the clock starts, so connection setup is not part of the warmup budget.
        var created = new ICaptureClient[clients];
        try
        {
            for (var i = 0; i < clients; i++)
            {
                created[i] = await createClient(i, cancellationToken);
            }

            var shared = new SharedState(orders, sequence);
            var start = Stopwatch.GetTimestamp();
            shared.MeasureStart = start + ToTicks(warmup);
            shared.MeasureEnd = shared.MeasureStart + ToTicks(duration);

            var workers = created.Select(client => Task.Run(() => WorkAsync(client, shared, cancellationToken), cancellationToken)).ToArray();
            var progress = ReportProgressAsync(name, shared, start, Task.WhenAll(workers), cancellationToken);
            var cpuAtStart = ReadCpuAtAsync(shared.MeasureStart, targetCpuTime, cancellationToken);
            var tallies = await Task.WhenAll(workers);
            await progress;
            var cpu = CpuUse.Between(await cpuAtStart, CpuReading.Now(targetCpuTime));

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

    private static async Task<Tally> WorkAsync(ICaptureClient client, SharedState shared, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        while (!cancellationToken.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= shared.MeasureEnd)
            {
                break;
            }

            var sequence = shared.Sequence.Next();
            var order = shared.Orders[(int)(sequence % shared.Orders.Count)];
            CaptureAttempt attempt;
            try
            {
                attempt = await client.CaptureAsync(order, sequence, cancellationToken);
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
                if (measured)
                {
                    tally.Successes++;
                    var micros = (long)Stopwatch.GetElapsedTime(sent, answered).TotalMicroseconds;
                    tally.Latency.RecordValue(Math.Clamp(micros, 1, HighestLatencyMicros));
                }
                else
                {
                    tally.WarmupSuccesses++;
                }

                continue;
            }

            var kind = attempt.Kind ?? "unknown";
            if (measured)
            {
                tally.Failures[kind] = tally.Failures.GetValueOrDefault(kind) + 1;
            }
            else
            {
                tally.WarmupFailures++;
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

    private static async Task ReportProgressAsync(string name, SharedState shared, long start, Task workers, CancellationToken cancellationToken)
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
            Console.WriteLine($"  {name,-8} {phase,-7} t={Stopwatch.GetElapsedTime(start, now).TotalSeconds,5:F0}s  {rate,9:F1} orders/s");
            lastCount = count;
            lastTime = now;
        }
    }

    // CPU is read when the measured window opens and once the last worker is done (a request's length after
    // it closes), so it covers the window, not the warmup.
    private static async Task<CpuReading> ReadCpuAtAsync(long timestamp, Func<TimeSpan>? targetCpuTime, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        return CpuReading.Now(targetCpuTime);
    }

    private static PhaseResult Summarise(string name, int clients, TimeSpan duration, Tally[] tallies, SharedState shared, CpuUse cpu)
    {
        var latency = new LongHistogram(HighestLatencyMicros, 3);
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long successes = 0, warmupSuccesses = 0, warmupFailures = 0;
        foreach (var tally in tallies)
        {
            latency.Add(tally.Latency);
            successes += tally.Successes;
            warmupSuccesses += tally.WarmupSuccesses;
            warmupFailures += tally.WarmupFailures;
            foreach (var (kind, count) in tally.Failures)
            {
                failures[kind] = failures.GetValueOrDefault(kind) + count;
            }
        }

        static double Millis(long micros) => Math.Round(micros / 1000.0, 2);
        var any = latency.TotalCount > 0;
        return new PhaseResult(
            Name: name,
            Clients: clients,
            MeasuredSeconds: duration.TotalSeconds,
            Orders: successes,
            OrdersPerSecond: Math.Round(successes / duration.TotalSeconds, 1),
            P50Ms: any ? Millis(latency.GetValueAtPercentile(50)) : null,
            P95Ms: any ? Millis(latency.GetValueAtPercentile(95)) : null,
            P99Ms: any ? Millis(latency.GetValueAtPercentile(99)) : null,
            MaxMs: any ? Millis(latency.GetMaxValue()) : null,
            Errors: failures.Values.Sum(),
            ErrorsByKind: failures,
            WarmupOrders: warmupSuccesses,
            WarmupErrors: warmupFailures,
            BenchCpuCores: cpu.BenchCores,
            ServerCpuCores: cpu.TargetCores,
            ErrorSamples: shared.ErrorSamples.ToArray());
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private sealed class SharedState(IReadOnlyList<GeneratedOrder> orders, OrderSequence sequence)
    {
        public IReadOnlyList<GeneratedOrder> Orders { get; } = orders;
        public OrderSequence Sequence { get; } = sequence;
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
        public long WarmupSuccesses;
        public long WarmupFailures;
        public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Hands out order numbers; one instance per bench invocation, so externalReferences never repeat.</summary>
public sealed class OrderSequence
{
    private long last;

    public long Next() => Interlocked.Increment(ref last);
}

/// <summary>What one target (Waybill or raw SQL) achieved in one measured window.</summary>
public sealed record PhaseResult(
    string Name,
    int Clients,
    double MeasuredSeconds,
    long Orders,
    double OrdersPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    long WarmupOrders,
    long WarmupErrors,
    double BenchCpuCores,
    double? ServerCpuCores,
    IReadOnlyList<string> ErrorSamples);

/// <summary>CPU time used so far by the bench process and, if known, by the system under test.</summary>
internal readonly record struct CpuReading(long Timestamp, TimeSpan Bench, TimeSpan? Target)
{
    public static CpuReading Now(Func<TimeSpan>? targetCpuTime)
    {
        using var self = Process.GetCurrentProcess();
        return new CpuReading(Stopwatch.GetTimestamp(), self.TotalProcessorTime, targetCpuTime?.Invoke());
    }
}

/// <summary>Average cores busy between two readings: how much of the 2-core box each process took.</summary>
internal readonly record struct CpuUse(double BenchCores, double? TargetCores)
{
    public static CpuUse Between(CpuReading start, CpuReading end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        if (seconds <= 0)
        {
            return new CpuUse(0, null);
        }

        double? target = start.Target is { } a && end.Target is { } b ? Math.Round((b - a).TotalSeconds / seconds, 2) : null;
        return new CpuUse(Math.Round((end.Bench - start.Bench).TotalSeconds / seconds, 2), target);
    }
}
