using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Waybill.Bench.Capture;

/// <summary>
/// How the automation kept up with capture (issue 4's benchmark): with the default flows on, every captured order is
/// fraud-checked and then approved or held by flow 1. After the load, the event feed is read to its end (and on until
/// every order has its decision, or the drain limit passes), and each order's <c>order.created</c> is paired with its
/// <c>order.approved</c> or <c>order.held</c>. All times are the server's event times (one clock).
/// </summary>
public static class AutomationLag
{
    private const int Page = 500;

    public static async Task<AutomationResult> MeasureAsync(
        Uri baseAddress, string apiKey, double measuredSeconds, TimeSpan drainLimit, Func<TimeSpan> serverCpu, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var created = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var decided = new Dictionary<string, (DateTimeOffset At, bool Held)>(StringComparer.Ordinal);
        // Flow 2 routes every approved order: its first order.routed or order.backordered (issue 5's end to end).
        var routed = new Dictionary<string, (DateTimeOffset At, bool Backordered)>(StringComparer.Ordinal);
        string? cursor = null;
        var loadEnded = Stopwatch.StartNew();
        var cpuAtLoadEnd = serverCpu();
        while (true)
        {
            cursor = await ReadAvailableAsync(http, cursor, created, decided, routed, cancellationToken);
            if (created.Count > 0 && created.Keys.All(decided.ContainsKey)
                && decided.Where(d => !d.Value.Held).All(d => routed.ContainsKey(d.Key))) break;
            if (loadEnded.Elapsed > drainLimit) break;
            await Task.Delay(250, cancellationToken);
        }
        var drainCpu = serverCpu() - cpuAtLoadEnd;

        var end = created.Values.Max();
        var start = end - TimeSpan.FromSeconds(measuredSeconds);
        var inWindow = created.Where(c => c.Value >= start).ToList();
        var latencies = inWindow.Where(c => decided.ContainsKey(c.Key)).Select(c => (decided[c.Key].At - c.Value).TotalMilliseconds).Order().ToList();
        var decidedInWindow = decided.Values.Count(d => d.At >= start && d.At <= end);
        var backlogAtEnd = created.Count - decided.Values.Count(d => d.At <= end);
        var undecided = created.Keys.Count(id => !decided.ContainsKey(id));
        var routeLatencies = inWindow.Where(c => routed.ContainsKey(c.Key)).Select(c => (routed[c.Key].At - c.Value).TotalMilliseconds).Order().ToList();
        // With capture stopped, the server's CPU goes to the runs (and to this reader's feed pages): a per-run cost that
        // does not depend on what else the machine is doing.
        var decidedAfterLoad = decided.Values.Count(d => d.At > end);
        // Orders left undecided: say why, from the failed runs (a run that failed raised a process exception).
        var failures = undecided == 0 ? [] : await FailedRunErrorsAsync(http, cancellationToken);
        foreach (var id in created.Keys.Where(id => !decided.ContainsKey(id)).Take(5))
            failures.Add($"undecided order {id}: runs " + await RunsOfAsync(http, id, cancellationToken));
        return new AutomationResult(
            OrdersCreated: created.Count,
            Decided: decided.Count,
            Held: decided.Values.Count(d => d.Held),
            DecisionsPerSecond: decidedInWindow / measuredSeconds,
            CapturedPerSecond: inWindow.Count / measuredSeconds,
            P50Ms: Percentile(latencies, 0.50),
            P99Ms: Percentile(latencies, 0.99),
            MaxMs: latencies.Count == 0 ? null : latencies[^1],
            BacklogAtLoadEnd: backlogAtEnd,
            DrainSeconds: undecided == 0 && decided.Count > 0 ? Math.Max(0, (decided.Values.Max(d => d.At) - end).TotalSeconds) : null,
            UndecidedAfterDrainLimit: undecided,
            Routed: routed.Count,
            Backordered: routed.Values.Count(r => r.Backordered),
            RoutedPerSecond: routed.Values.Count(r => r.At >= start && r.At <= end) / measuredSeconds,
            RouteP50Ms: Percentile(routeLatencies, 0.50),
            RouteP99Ms: Percentile(routeLatencies, 0.99),
            UnroutedApproved: decided.Count(d => !d.Value.Held && !routed.ContainsKey(d.Key)),
            DecidedAfterLoad: decidedAfterLoad,
            DrainCpuMsPerDecision: decidedAfterLoad == 0 ? null : drainCpu.TotalMilliseconds / decidedAfterLoad,
            FailedRunErrors: failures);
    }

    private static async Task<string> RunsOfAsync(HttpClient http, string orderId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/v1/flow-runs?orderId={Uri.EscapeDataString(orderId)}", cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private static async Task<List<string>> FailedRunErrorsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("api/v1/flow-runs?status=failed&limit=100", cancellationToken);
        if (!response.IsSuccessStatusCode) return [$"(GET flow-runs answered {(int)response.StatusCode})"];
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. page.RootElement.GetProperty("items").EnumerateArray()
            .Select(run => run.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString()! : "(no error)")];
    }

    /// <summary>Reads every page the feed has now, from <paramref name="cursor"/>; returns where to go on from.</summary>
    private static async Task<string?> ReadAvailableAsync(
        HttpClient http, string? cursor, Dictionary<string, DateTimeOffset> created, Dictionary<string, (DateTimeOffset, bool)> decided,
        Dictionary<string, (DateTimeOffset, bool)> routed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var path = $"/api/v1/events?types=order.created,order.approved,order.held,order.routed,order.backordered&limit={Page}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var response = await http.GetAsync(path, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var page = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            var items = page.RootElement.GetProperty("items");
            foreach (var e in items.EnumerateArray())
            {
                var subject = e.GetProperty("subject").GetString()!;
                var time = e.GetProperty("time").GetDateTimeOffset();
                switch (e.GetProperty("type").GetString())
                {
                    case "order.created": created.TryAdd(subject, time); break;
                    case "order.approved": decided.TryAdd(subject, (time, false)); break;
                    case "order.held": decided.TryAdd(subject, (time, true)); break;
                    case "order.routed": routed.TryAdd(subject, (time, false)); break;
                    case "order.backordered": routed.TryAdd(subject, (time, true)); break;
                }
            }
            if (page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String) cursor = next.GetString();
            if (items.GetArrayLength() < Page) return cursor;
        }
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>Automation's figures for one run (see <see cref="AutomationLag"/>).</summary>
public sealed record AutomationResult(
    int OrdersCreated,
    int Decided,
    int Held,
    double DecisionsPerSecond,
    double CapturedPerSecond,
    double? P50Ms,
    double? P99Ms,
    double? MaxMs,
    int BacklogAtLoadEnd,
    double? DrainSeconds,
    int UndecidedAfterDrainLimit,
    int Routed,
    int Backordered,
    double RoutedPerSecond,
    double? RouteP50Ms,
    double? RouteP99Ms,
    int UnroutedApproved,
    int DecidedAfterLoad,
    double? DrainCpuMsPerDecision,
    IReadOnlyList<string> FailedRunErrors);
