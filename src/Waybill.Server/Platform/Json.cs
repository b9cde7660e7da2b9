using System.Text.Json;
using System.Text.Json.Serialization;

namespace Waybill.Server.Platform;

/// <summary>The wire format of api.md: camelCase, enums as lower snake_case, nulls written out.</summary>
public static class WaybillJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcTimestampConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}

/// <summary>Timestamps go out as ISO 8601 UTC with a Z (<c>2026-11-22T10:15:00Z</c>); any offset is accepted coming in.</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    // A timestamp without an offset is taken as UTC, never as the server's local time.
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetDateTimeOffset();
        var text = reader.GetString()!;
        var time = text.IndexOf('T', StringComparison.Ordinal);
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (time > 0 && text.IndexOfAny(['+', '-'], time) > 0);
        return hasOffset ? value.ToUniversalTime() : new DateTimeOffset(value.DateTime, TimeSpan.Zero);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
