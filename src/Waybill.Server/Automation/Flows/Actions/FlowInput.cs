using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Waybill.Domain.Common;

namespace Waybill.Server.Automation.Flows.Actions;

/// <summary>Reading a step's resolved input: every problem is a <see cref="FlowInputException"/> naming <c>input.&lt;field&gt;</c>.</summary>
internal static class FlowInput
{
    public static string RequiredText(JsonObject input, string field) =>
        OptionalText(input, field) ?? throw new FlowInputException($"input.{field} is required.");

    public static string? OptionalText(JsonObject input, string field)
    {
        var node = input[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
        throw new FlowInputException($"input.{field} is a text, not {node.GetValueKind().ToString().ToLowerInvariant()}.");
    }

    public static int? OptionalInteger(JsonObject input, string field)
    {
        var node = input[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue)
            return (int)number;
        throw new FlowInputException($"input.{field} is a whole number.");
    }

    /// <summary>A rule's field errors (<c>input.x</c>) as the step's failure message.</summary>
    public static FlowInputException From(DomainValidationException e) =>
        new(string.Join(" ", e.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}"))));
}
