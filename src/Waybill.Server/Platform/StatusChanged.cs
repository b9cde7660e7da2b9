using System.Text.Json;
using System.Text.Json.Serialization;

namespace Waybill.Server.Platform;

/// <summary>
/// Data of a <c>…status_changed</c> event (<c>order.status_changed</c>, <c>fulfillment_order.status_changed</c>): the
/// resource as the API returns it, its fields at the top level of <c>data</c>, beside <c>previousStatus</c>.
/// </summary>
public sealed record StatusChanged<TResource, TStatus>([property: JsonIgnore] TResource Resource, TStatus? PreviousStatus)
    where TStatus : struct, Enum
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; } =
        JsonSerializer.SerializeToElement(Resource, WaybillJson.Options).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}
