namespace Waybill.Server.Routing;

/// <summary><c>Routing:*</c> settings: how backordered orders are tried again.</summary>
public sealed class RoutingOptions
{
    /// <summary>How long a backordered order waits for its next routing attempt.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Attempts (by hand, flow or schedule) after which a backordered order is given to a person (a routing process exception).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How many backordered orders one stock arrival routes at most (oldest first); the rest wait for their schedule.</summary>
    public int BackorderedPerArrival { get; set; } = 50;

    /// <summary>How many attempts one <c>POST /routing/simulate</c> replays at most: the replay is CPU work inside the request.</summary>
    public int SimulationMaxAttempts { get; set; } = 10_000;
}
