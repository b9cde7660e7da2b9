using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Data;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Codes and bodies for the master data tests: locations, groups and channels.</summary>
public static class MasterData
{
    /// <summary>A code no other test uses: tests of one class share a database.</summary>
    public static string NewCode(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10].ToUpperInvariant()}";

    public static JsonObject Location(string name = "Springfield DC", string type = "warehouse", bool active = true, int priority = 0) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["address"] = new JsonObject
        {
            ["name"] = name, ["line1"] = "100 Depot Rd", ["city"] = "Springfield", ["region"] = "IL", ["postalCode"] = "62701", ["country"] = "US",
        },
        ["latitude"] = 39.78,
        ["longitude"] = -89.65,
        ["priority"] = priority,
        ["active"] = active,
    };

    public static async Task<string> PutLocation(this HttpClient admin, string? code = null, bool active = true, string type = "warehouse")
    {
        code ??= NewCode("WH");
        var response = await admin.PutJson($"/api/v1/locations/{code}", Location(type: type, active: active));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return code;
    }

    public static async Task<string> PutGroup(this HttpClient admin, params string[] locations)
    {
        var code = NewCode("GRP");
        await (await admin.PutJson($"/api/v1/location-groups/{code}", new JsonObject
        {
            ["name"] = "Group " + code,
            ["locations"] = new JsonArray([.. locations.Select(l => (JsonNode)l)]),
        })).Expect(HttpStatusCode.Created);
        return code;
    }

    /// <summary>Every item of a list, following cursors with a small page so paging itself is exercised.</summary>
    public static async Task<List<JsonObject>> ReadAll(this HttpClient client, string path, int limit = 2)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        do
        {
            var url = $"{path}{separator}limit={limit}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await (await client.GetAsync(url)).Expect(HttpStatusCode.OK);
            var pageItems = page["items"]!.AsArray();
            Assert.True(pageItems.Count <= limit);
            items.AddRange(pageItems.Select(i => i!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return items;
    }

    /// <summary>The audit trail's actions for one resource, oldest first (there is no HTTP read of it for master data yet).</summary>
    public static async Task<List<string>> AuditActions(this WaybillServer server, string entityType, string entityId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        return await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == entityType && a.EntityId == entityId)
            .OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync();
    }
}
