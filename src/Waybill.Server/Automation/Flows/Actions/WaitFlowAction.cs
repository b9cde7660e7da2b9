using System.Globalization;
using System.Text.Json.Nodes;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.Flows.Actions;

/// <summary>
/// <c>wait</c> <c>{ until }</c> (an ISO 8601 time) or <c>{ seconds }</c>: the run goes <c>waiting</c> and a durable job
/// resumes it at that time (a restart in between changes nothing). Output <c>{ until }</c>.
/// </summary>
public sealed class WaitFlowAction(FlowStepState state, IClock clock) : IFlowAction
{
    public const int MaxSeconds = 366 * 24 * 3600;

    public string Name => "wait";

    public Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var untilText = FlowInput.OptionalText(input, "until");
        var seconds = FlowInput.OptionalInteger(input, "seconds");
        DateTimeOffset until;
        if (untilText is not null && seconds is not null) throw new FlowInputException("input.until and input.seconds: give one of them, not both.");
        if (untilText is not null)
        {
            if (!DateTimeOffset.TryParse(untilText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out until))
                throw new FlowInputException($"input.until: '{untilText}' is not an ISO 8601 time such as 2026-11-22T10:15:00Z.");
        }
        else if (seconds is not null)
        {
            if (seconds is < 0 or > MaxSeconds) throw new FlowInputException($"input.seconds is between 0 and {MaxSeconds}.");
            until = clock.UtcNow.AddSeconds(seconds.Value);
        }
        else throw new FlowInputException("input.until or input.seconds is required.");
        until = until.ToUniversalTime();
        state.WaitUntil = until;
        return Task.FromResult<JsonNode?>(new JsonObject { ["until"] = until.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) });
    }
}
