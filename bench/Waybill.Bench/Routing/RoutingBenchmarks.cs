using BenchmarkDotNet.Attributes;
using Waybill.Domain.Routing;
using Waybill.Testing;

namespace Waybill.Bench.Routing;

/// <summary>
/// One solve per measured iteration (see <see cref="RoutingBenchmarkConfig"/>), cycling through seeded realistic problems
/// of the cell's size, so the percentiles are percentiles of single solves over different problems.
/// </summary>
public class RoutingBenchmarks
{
    public const int ProblemsPerCell = 64;

    private RoutingProblem[] _problems = [];
    private int _next;

    [Params(10, 50, 100)]
    public int Lines { get; set; }

    [Params(10, 100, 500)]
    public int Locations { get; set; }

    [GlobalSetup]
    public void Generate() =>
        _problems = Enumerable.Range(0, ProblemsPerCell).Select(seed => RoutingInstances.Realistic(seed, Lines, Locations)).ToArray();

    [Benchmark]
    public RoutePlan Plan() => Router.Plan(_problems[_next++ % _problems.Length]);
}
