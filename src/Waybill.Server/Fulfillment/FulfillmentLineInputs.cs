using System.Text.RegularExpressions;
using Waybill.Domain.Common;

namespace Waybill.Server.Fulfillment;

/// <summary><c>{ "lineId", "quantity" }</c> of reject-lines and cancel-lines: <c>lineId</c> is the fulfillment order line's id.</summary>
public sealed record FulfillmentLineInput(string? LineId, int? Quantity);

public static partial class FulfillmentLineInputs
{
    public const int MaxLines = 500;

    public static List<(string LineId, int Quantity)> Parse(List<FulfillmentLineInput?>? lines, FieldErrors errors)
    {
        var result = new List<(string, int)>();
        if (lines is null || lines.Count == 0) { errors.Add("lines", "lines needs at least one line."); return result; }
        if (lines.Count > MaxLines) { errors.Add("lines", $"At most {MaxLines} lines a request."); return result; }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line is null) { errors.Add($"lines[{i}]", "A line cannot be null."); continue; }
            if (string.IsNullOrWhiteSpace(line.LineId)) errors.Add($"lines[{i}].lineId", "lineId is required: the fulfillment order line's id.");
            if (line.Quantity is null) errors.Add($"lines[{i}].quantity", "quantity is required.");
            else if (line.Quantity <= 0) errors.Add($"lines[{i}].quantity", "quantity must be above zero.");
            result.Add((line.LineId?.Trim() ?? "", line.Quantity ?? 0));
        }
        return result;
    }

    /// <summary>A reason is a short code (letters, digits, <c>_</c>, at most 64), as for order changes.</summary>
    public static string? Reason(string? reason, bool required, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            if (required) errors.Add("reason", "reason is required, e.g. out_of_stock.");
            return null;
        }
        if (!ReasonShape().IsMatch(reason)) errors.Add("reason", "reason is a short code: letters, digits and '_', at most 64.");
        return reason;
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex ReasonShape();
}
