using System.Globalization;

namespace Waybill.Server.Platform;

/// <summary>Optimistic concurrency over HTTP (api.md "Concurrency"): <c>If-Match: &lt;version&gt;</c> on a change.</summary>
public static class Versions
{
    /// <summary><c>If-Match: 3</c> (or <c>"3"</c>, <c>W/"3"</c>): a stale version is a 409, not a silent overwrite.</summary>
    public static void CheckIfMatch(HttpRequest request, int currentVersion)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header == "*") return;
        var raw = header.Trim();
        if (raw.StartsWith("W/", StringComparison.Ordinal)) raw = raw[2..];
        raw = raw.Trim('"');
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
            throw new ProblemException(Problems.Validation("If-Match", "If-Match must name the resource's version, e.g. \"3\"."));
        if (expected != currentVersion) throw new ProblemException(Problems.VersionConflict(currentVersion, raw));
    }
}
