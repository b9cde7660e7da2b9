using System.Text.Json;

namespace Waybill.Domain.Common;

/// <summary>Enumerations travel as lower snake_case strings (api.md "Conventions").</summary>
public static class StatusNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
