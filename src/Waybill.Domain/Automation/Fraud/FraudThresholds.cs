using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Waybill.Domain.Common;

namespace Waybill.Domain.Automation.Fraud;

/// <summary>
/// The limits of the built-in check. They live in the flow file, as the <c>fraud_check</c> step's input, so a merchant
/// changes them without a deploy; what a file leaves out takes the shipped default.
/// </summary>
public sealed record FraudThresholds
{
    public static readonly FraudThresholds Default = new();

    /// <summary>Hold when the grand total, in the order's currency, is over this.</summary>
    public decimal MaxGrandTotal { get; init; } = 10_000m;

    /// <summary>Hold when more than this many orders within the window share one email.</summary>
    public int MaxOrdersPerEmail { get; init; } = 5;

    /// <summary>Hold when more than this many orders within the window share one shipping address line.</summary>
    public int MaxOrdersPerShippingAddressLine { get; init; } = 5;

    public int WindowMinutes { get; init; } = 10;

    /// <summary>Compared without regard to case or surrounding spaces.</summary>
    public IReadOnlyList<string> BlockedEmails { get; init; } = [];

    /// <summary>Compared without regard to case, surrounding spaces or runs of spaces inside.</summary>
    public IReadOnlyList<string> BlockedAddressLines { get; init; } = [];

    /// <summary>
    /// The thresholds a <c>fraud_check</c> step's (resolved) input gives; every field is optional. A bad value is a
    /// <see cref="DomainValidationException"/> naming <c>input.&lt;field&gt;</c>.
    /// </summary>
    public static FraudThresholds FromStepInput(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var thresholds = Default with
        {
            MaxGrandTotal = Amount(input, "maxGrandTotal", errors) ?? Default.MaxGrandTotal,
            MaxOrdersPerEmail = Count(input, "maxOrdersPerEmail", 0, errors) ?? Default.MaxOrdersPerEmail,
            MaxOrdersPerShippingAddressLine = Count(input, "maxOrdersPerShippingAddressLine", 0, errors) ?? Default.MaxOrdersPerShippingAddressLine,
            WindowMinutes = Count(input, "windowMinutes", 1, errors) ?? Default.WindowMinutes,
            BlockedEmails = Texts(input, "blockedEmails", errors) ?? Default.BlockedEmails,
            BlockedAddressLines = Texts(input, "blockedAddressLines", errors) ?? Default.BlockedAddressLines,
        };
        errors.ThrowIfAny();
        return thresholds;
    }

    private static decimal? Amount(JsonObject input, string field, FieldErrors errors)
    {
        if (input[field] is not { } node) return null;
        if (NumberOf(node) is { } amount && amount >= 0)
            return amount;
        errors.Add("input." + field, "An amount of 0 or more.");
        return null;
    }

    private static int? Count(JsonObject input, string field, int minimum, FieldErrors errors)
    {
        if (input[field] is not { } node) return null;
        if (NumberOf(node) is { } number && number == decimal.Truncate(number) && number >= minimum && number <= int.MaxValue)
            return (int)number;
        errors.Add("input." + field, $"A whole number of {minimum} or more.");
        return null;
    }

    /// <summary>
    /// Read from the JSON text: a JsonValue may hold a long, a double or a JsonElement (literal, evaluated or parsed
    /// input), and only the text reads the same for all three.
    /// </summary>
    private static decimal? NumberOf(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static string[]? Texts(JsonObject input, string field, FieldErrors errors)
    {
        if (input[field] is not { } node) return null;
        if (node is JsonArray array && array.All(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String))
            return array.Select(item => item!.GetValue<string>()).ToArray();
        errors.Add("input." + field, "A list of texts.");
        return null;
    }
}
