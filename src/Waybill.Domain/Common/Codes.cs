namespace Waybill.Domain.Common;

/// <summary>
/// The codes that name master data — locations, location groups, channels: 1 to 64 of <c>A–Z a–z 0–9 _ . -</c>.
/// They travel in paths and files unescaped, so nothing else is allowed. Codes are case-sensitive.
/// </summary>
public static class Codes
{
    public const int MaxLength = 64;

    public static bool IsWellFormed(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > MaxLength) return false;
        foreach (var c in code)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-')) return false;
        }
        return true;
    }

    public static void Check(string? code, string field, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!IsWellFormed(code))
            errors.Add(field, $"A code is 1 to {MaxLength} characters of letters, digits, '_', '.' and '-'.");
    }

    /// <summary>A code taken from a path: malformed is a 400 naming <c>code</c>, before anything is looked up.</summary>
    public static void EnsureWellFormed(string? code)
    {
        var errors = new FieldErrors();
        Check(code, "code", errors);
        errors.ThrowIfAny();
    }
}
