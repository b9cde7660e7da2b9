using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Waybill.Bench.Routing;

/// <summary>
/// A short job for a shared 2-core machine: in process (no generated project to build), one solve per iteration (so
/// P50/P99 are of single solves, not of averages), no forced GC between iterations.
/// </summary>
public static class RoutingBenchmarkConfig
{
    public static IConfig Create(int iterations) => ManualConfig.CreateEmpty()
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(RoutingBenchmarks.ProblemsPerCell)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithGcForce(false))
        .AddColumnProvider(DefaultColumnProviders.Descriptor, DefaultColumnProviders.Params)
        .AddColumn(StatisticColumn.Mean, StatisticColumn.P50, new PercentileColumn(99), StatisticColumn.Max)
        .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
        .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
}

/// <summary>BenchmarkDotNet's statistic columns stop at P95 (then P100); the target is stated at P99.</summary>
public sealed class PercentileColumn(int percentile) : IColumn
{
    public string Id => $"P{percentile}";
    public string ColumnName => $"P{percentile}";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Statistics;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Time;
    public string Legend => $"{percentile}th percentile of single solves";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null) return "NA";
        var nanoseconds = statistics.Percentiles.Percentile(percentile);
        return nanoseconds >= 1_000_000
            ? (nanoseconds / 1_000_000).ToString("N3", System.Globalization.CultureInfo.InvariantCulture) + " ms"
            : (nanoseconds / 1_000).ToString("N1", System.Globalization.CultureInfo.InvariantCulture) + " μs";
    }
}
