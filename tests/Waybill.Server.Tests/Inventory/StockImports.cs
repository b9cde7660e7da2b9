using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>Sending stock files through <c>POST /api/v1/inventory/imports</c> and waiting for them, as a stock system would.</summary>
internal static class StockImports
{
    public const string Ndjson = "application/x-ndjson";
    public const string Csv = "text/csv";

    public static string Record(string recordId, string location, string sku, int onHand, int safetyStock = 0, (int Quantity, string ExpectedAt)[]? futures = null)
    {
        var record = new JsonObject { ["recordId"] = recordId, ["location"] = location, ["sku"] = sku, ["onHand"] = onHand, ["safetyStock"] = safetyStock };
        if (futures is not null)
            record["futures"] = new JsonArray([.. futures.Select(f => (JsonNode)new JsonObject { ["quantity"] = f.Quantity, ["expectedAt"] = f.ExpectedAt })]);
        return record.ToJsonString();
    }

    public static string Lines(params string[] records) => string.Join('\n', records) + "\n";

    public static StringContent Content(string body, string? contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static async Task<HttpResponseMessage> PostImport(this HttpClient client, string path, string body, string? contentType, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Content(body, contentType) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> ImportAndWait(this HttpClient client, string body, string mode = "delta", string contentType = Ndjson)
    {
        var accepted = await (await client.PostImport($"/api/v1/inventory/imports?mode={mode}", body, contentType)).Expect(HttpStatusCode.Accepted);
        return await client.WaitForImport(accepted);
    }

    public static string ImportPath(JsonObject import) => $"/api/v1/inventory/imports/{import["id"].Str()}";

    /// <summary>Polls the import until it is completed or failed.</summary>
    public static async Task<JsonObject> WaitForImport(this HttpClient client, JsonObject accepted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var import = await (await client.GetAsync(ImportPath(accepted))).Expect(HttpStatusCode.OK);
            if (import["status"].Str() is "completed" or "failed") return import;
            Assert.True(DateTime.UtcNow < deadline, $"The import did not finish within 60 s: {import.ToJsonString()}");
            await Task.Delay(20);
        }
    }
}
