using System.Globalization;

namespace Waybill.Server.Platform;

/// <summary>
/// <c>If-Match: 3</c> (or <c>"3"</c>, <c>W/"3"</c>) on a change: a stale version is a 409 <c>version_conflict</c>,
/// not a silent overwrite (api.md "Concurrency").
/// </summary>
public static class IfMatch
{
    /// <summary>The version the header names; null when there is no header or it is <c>*</c> (any version).</summary>
    public static int? ExpectedVersion(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return null;
        var raw = header.Trim();
        if (raw.StartsWith("W/", StringComparison.Ordinal)) raw = raw[2..];
        raw = raw.Trim('"');
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
            throw new ProblemException(Problems.Validation("If-Match", "If-Match must name the resource's version, e.g. \"3\"."));
        return expected;
    }

    /// <summary>
    /// Throws 409 <c>version_conflict</c> unless the resource is at the version If-Match names. A PUT that would create
    /// (<paramref name="currentVersion"/> null) with any If-Match, <c>*</c> included, conflicts too: there is no version to match.
    /// </summary>
    public static void Check(HttpRequest request, int? currentVersion)
    {
        ArgumentNullException.ThrowIfNull(request);
        var expected = ExpectedVersion(request);
        if (currentVersion is null)
        {
            if (string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString())) return;
            throw new ProblemException(Problems.Create(409, "version_conflict", "The resource does not exist yet.",
                "If-Match names a version, but there is nothing at this path to match it. Send the request without If-Match to create it."));
        }
        if (expected is not null && expected != currentVersion)
            throw new ProblemException(Problems.VersionConflict(currentVersion.Value, expected.Value.ToString(CultureInfo.InvariantCulture)));
    }
}
