using Waybill.Domain.Common;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>Reads the lower snake_case names of the API (<c>order_approval</c>, <c>high</c>) back into enumerations.</summary>
public static class ProcessExceptionNames
{
    public static TEnum? Parse<TEnum>(string? value, string field, FieldErrors errors, bool required) where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, $"{field} is required: one of {string.Join(", ", Names<TEnum>())}.");
            return null;
        }
        foreach (var candidate in Enum.GetValues<TEnum>())
            if (StatusNames.Of(candidate) == value) return candidate;
        errors.Add(field, $"'{value}' is not a {field}: one of {string.Join(", ", Names<TEnum>())}.");
        return null;
    }

    /// <summary>An optional query filter; an unknown name is a 400 naming <paramref name="field"/>.</summary>
    public static TEnum? Filter<TEnum>(string? value, string field) where TEnum : struct, Enum
    {
        if (value is null) return null;
        var errors = new FieldErrors();
        var parsed = Parse<TEnum>(value, field, errors, required: true);
        if (errors.Any) throw new ProblemException(Problems.Validation(errors.ToDictionary()));
        return parsed;
    }

    private static IEnumerable<string> Names<TEnum>() where TEnum : struct, Enum => Enum.GetValues<TEnum>().Select(v => StatusNames.Of(v));
}
