using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Setting and reading stock through the API.</summary>
public static class StockApi
{
    public static async Task PutStock(this HttpClient admin, string location, string sku, long onHand, long safetyStock = 0)
    {
        var response = await admin.PutJson($"/api/v1/inventory/{location}/{sku}", new JsonObject { ["onHand"] = onHand, ["safetyStock"] = safetyStock });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>One SKU's availability row at one location or group.</summary>
    public static async Task<JsonObject> Availability(this HttpClient client, string sku, string? location = null, string? group = null)
    {
        var query = location is not null ? $"locations={location}" : $"groups={group}";
        var body = await (await client.GetAsync($"/api/v1/inventory/availability?skus={sku}&{query}")).Expect(HttpStatusCode.OK);
        return body["items"]!.AsArray().Single()!.AsObject();
    }
}
