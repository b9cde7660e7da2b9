using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Waybill.Server.Tests.Infrastructure;

/// <summary>Small helpers for talking JSON to the API and reading problem responses.</summary>
public static class Api
{
    public static JsonObject Sample(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name)))!.AsObject();

    /// <summary>The api.md example order with a fresh externalReference, so tests never collide.</summary>
    public static JsonObject WebOrder(string? externalReference = null)
    {
        var order = Sample("order-web-net-usd.json");
        order["externalReference"] = externalReference ?? "W-" + Guid.NewGuid().ToString("N")[..12];
        return order;
    }

    public static JsonObject GrossOrder()
    {
        var order = Sample("order-two-groups-gross-eur.json");
        order["externalReference"] = "CC-" + Guid.NewGuid().ToString("N")[..12];
        return order;
    }

    public static async Task<HttpResponseMessage> PostJson(this HttpClient client, string path, JsonNode? body, string? idempotencyKey = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    /// <summary>A PUT of JSON; <paramref name="ifMatch"/> goes out as the If-Match header exactly as given.</summary>
    public static async Task<HttpResponseMessage> PutJson(this HttpClient client, string path, JsonNode? body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostRaw(this HttpClient client, string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return await client.PostAsync(path, content);
    }

    public static async Task<JsonObject> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static async Task<JsonObject> Expect(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts an RFC 9457 problem with this status and code, and returns it.</summary>
    public static async Task<JsonObject> ExpectProblem(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.Expect(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        Assert.Equal((int)status, problem["status"]?.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        return problem;
    }

    /// <summary>The validation problem names this field among its errors.</summary>
    public static async Task<JsonObject> ExpectFieldError(this HttpResponseMessage response, string field)
    {
        var problem = await response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"Expected an error for '{field}', got: {errors.ToJsonString()}");
        return problem;
    }

    public static decimal Dec(this JsonNode? node) => node!.GetValue<decimal>();
    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    /// <summary>
    /// Every event in the feed, following cursors. On PostgreSQL the feed holds back events while an older transaction
    /// anywhere in the cluster is still running (so a consumer never skips one); wait until <paramref name="atLeast"/> show.
    /// </summary>
    public static async Task<List<JsonObject>> AllEvents(this HttpClient client, string query = "", int atLeast = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var events = await ReadFeed(client, query);
            if (events.Count >= atLeast || DateTime.UtcNow > deadline) return events;
            await Task.Delay(50);
        }
    }

    private static async Task<List<JsonObject>> ReadFeed(HttpClient client, string query)
    {
        var events = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var url = "/api/v1/events?limit=500" + query + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await (await client.GetAsync(url)).Expect(HttpStatusCode.OK);
            events.AddRange(page["items"]!.AsArray().Select(e => e!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return events;
    }

    /// <summary>How many orders the list holds: "nothing written" is this not moving.</summary>
    public static async Task<int> OrderCount(this HttpClient client)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync("/api/v1/orders?limit=500" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)))).Expect(HttpStatusCode.OK);
            count += page["items"]!.AsArray().Count;
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return count;
    }
}
