using System.Text.Json.Nodes;

namespace Waybill.Domain.Automation.Fraud;

public enum FraudDecision
{
    Approve,
    Hold,
}

/// <summary>A rule that fired, with its figures, so the person who looks at a held order sees why.</summary>
public sealed record FraudReason(string Rule, int Score, bool HoldsOnItsOwn, string Message, JsonObject Figures);

/// <summary>
/// The outcome of a check: the summed score of the rules that fired, the decision, and the reasons. As a step's output
/// (<see cref="ToJson"/>) flows read it as <c>steps.&lt;id&gt;.output.decision</c> and <c>.reasons</c>.
/// </summary>
public sealed record FraudAssessment(int Score, FraudDecision Decision, IReadOnlyList<FraudReason> Reasons)
{
    public static string DecisionName(FraudDecision decision) => decision switch
    {
        FraudDecision.Approve => "approve",
        FraudDecision.Hold => "hold",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    /// <summary>One line for a hold reason or a process exception's message.</summary>
    public string Summary => Reasons.Count == 0 ? "No fraud rule fired." : string.Join("; ", Reasons.Select(r => r.Message));

    public JsonObject ToJson() => new()
    {
        ["score"] = Score,
        ["decision"] = DecisionName(Decision),
        ["summary"] = Summary,
        ["reasons"] = new JsonArray(Reasons.Select(r => (JsonNode)new JsonObject
        {
            ["rule"] = r.Rule,
            ["score"] = r.Score,
            ["holds"] = r.HoldsOnItsOwn,
            ["message"] = r.Message,
            ["figures"] = r.Figures.DeepClone(),
        }).ToArray()),
    };
}
