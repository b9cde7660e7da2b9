using Waybill.Domain.Routing;
using Waybill.Testing;
using Xunit.Abstractions;

namespace Waybill.Domain.Tests.Routing;

/// <summary>The benchmark's grid: every instance is solved to a proof, far inside the node limit.</summary>
public class RouterScaleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(10, 10)]
    [InlineData(10, 100)]
    [InlineData(10, 500)]
    [InlineData(50, 10)]
    [InlineData(50, 100)]
    [InlineData(50, 500)]
    [InlineData(100, 10)]
    [InlineData(100, 100)]
    [InlineData(100, 500)]
    public void Benchmark_sized_problems_are_proven_optimal_without_reaching_the_node_limit(int lines, int locations)
    {
        var plans = Enumerable.Range(0, 25).Select(seed => Router.Plan(RoutingInstances.Realistic(seed, lines, locations))).ToArray();

        Assert.All(plans, p => Assert.True(p.Explanation.ProvenOptimal));
        var mostNodes = plans.Max(p => p.Explanation.NodesExplored);
        Assert.True(mostNodes < RoutingProblem.DefaultNodeLimit / 100, $"{mostNodes} nodes");
        output.WriteLine($"{lines}×{locations}: feasible {plans.Count(p => p.Feasible)}/25, locations {string.Join(",", plans.Select(p => p.LocationCount))}, most nodes {mostNodes}");
    }
}
