using Waybill.Domain.Automation.Flows;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.Flows;

/// <summary>A flow in <c>GET /api/v1/flows</c>: <c>source</c> says whether it is the shipped default or the merchant's.</summary>
public sealed record FlowSummary(string Name, string Source, bool Enabled, int Priority, string Trigger, int Version)
{
    public static FlowSummary From(EffectiveFlow f) => new(f.Name, f.Origin, f.Enabled, f.Priority, f.Trigger, f.Version);
}

/// <summary>
/// One flow (<c>GET /api/v1/flows/{name}</c>): the list's fields, the file's <c>text</c> and content type, and who changed
/// it last (null for an untouched default). <c>valid</c> is false for a stored flow that no longer parses (it does not run).
/// </summary>
public sealed record FlowDetail(
    string Name, string Source, bool Enabled, int Priority, string Trigger, int Version, string? Description, string Text, string ContentType,
    bool Valid, DateTimeOffset? UpdatedAt, string? UpdatedBy)
{
    public static FlowDetail From(EffectiveFlow f) => new(f.Name, f.Origin, f.Enabled, f.Priority, f.Trigger, f.Version, f.Definition?.Description,
        f.Text, f.ContentType, f.Definition is not null, f.UpdatedAt, f.UpdatedBy);
}

/// <summary>400 <c>invalid_flow</c>: every problem with its line and column, as <c>errors</c> by field and as a list.</summary>
internal static class InvalidFlow
{
    public static ProblemException Of(IReadOnlyList<FlowParseError> errors)
    {
        var problem = Problems.Create(400, "invalid_flow", "The flow file is not valid.",
            string.Join(" ", errors.Select(e => e.ToString() + (e.Reason.EndsWith('.') ? "" : "."))));
        problem.Extensions["errors"] = errors.GroupBy(e => e.Field.Length == 0 ? "flow" : e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ToString()).ToArray());
        problem.Extensions["lines"] = errors.Select(e => new { line = e.Line, column = e.Column, field = e.Field, message = e.Reason }).ToArray();
        return new ProblemException(problem);
    }
}
