using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Waybill.Bench.Changes;

/// <summary>
/// The calls of the change benchmark (api.md "Orders", "Changes"), read as JSON documents: the bench mirrors the HTTP
/// contract and does not reference the server. One connection, one request at a time: the benchmark measures latency.
/// </summary>
public sealed class ChangesHttp : IDisposable
{
    private const int MaxErrorBodyChars = 600;

    private readonly HttpClient http;

    public ChangesHttp(Uri baseAddress, string apiKey) => http = BenchHttp.Create(baseAddress, apiKey, 4, TimeSpan.FromMinutes(2));

    public void Dispose() => http.Dispose();

    /// <summary><c>POST /api/v1/orders</c>: the order's id, its first group's id, and its product lines' ids by reference.</summary>
    public async Task<CapturedOrder> CaptureAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await http.PostAsync("api/v1/orders", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/v1/orders answered {(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}");
        using var order = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var groups = order.RootElement.GetProperty("deliveryGroups");
        var lines = groups.EnumerateArray().SelectMany(g => g.GetProperty("lines").EnumerateArray())
            .Where(l => l.GetProperty("sku").ValueKind == JsonValueKind.String)
            .ToDictionary(l => l.GetProperty("reference").GetString()!, l => l.GetProperty("id").GetString()!, StringComparer.Ordinal);
        return new CapturedOrder(order.RootElement.GetProperty("id").GetString()!, groups[0].GetProperty("id").GetString()!, lines);
    }

    /// <summary><c>GET /api/v1/orders/{id}</c>, timed: its product lines, grand total and status — and how long the answer took.</summary>
    public async Task<(OrderState State, double Ms)> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync($"api/v1/orders/{orderId}", HttpCompletionOption.ResponseContentRead, cancellationToken);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET /api/v1/orders/{orderId} answered {(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}");
        using var order = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var productLines = order.RootElement.GetProperty("deliveryGroups").EnumerateArray().SelectMany(g => g.GetProperty("lines").EnumerateArray())
            .Count(l => l.GetProperty("sku").ValueKind == JsonValueKind.String);
        return (new OrderState(productLines, order.RootElement.GetProperty("totals").GetProperty("grandTotalAmount").GetDecimal(),
            order.RootElement.GetProperty("status").GetString()!), ms);
    }

    /// <summary>
    /// <c>POST /api/v1/orders/{id}/cancellations[/preview]</c> with <paramref name="body"/>, timed from the first byte sent to
    /// the last byte of the answer read: the answer's status, its grand total after, and its size.
    /// </summary>
    public async Task<ChangeCall> CancelAsync(string orderId, byte[] body, bool preview, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        var path = $"api/v1/orders/{orderId}/cancellations" + (preview ? "/preview" : "");
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(path, content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var expected = preview ? HttpStatusCode.OK : HttpStatusCode.Created;
        if (response.StatusCode != expected)
        {
            var text = Encoding.UTF8.GetString(bytes);
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {(text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "…" : text)}");
        }
        using var answer = JsonDocument.Parse(bytes);
        return new ChangeCall(ms, answer.RootElement.GetProperty("totalsAfter").GetProperty("grandTotalAmount").GetDecimal(),
            answer.RootElement.GetProperty("changeOrder").GetProperty("lines").GetArrayLength(), bytes.Length);
    }

    /// <summary>The request body: one unit of each line in <paramref name="lineIds"/>, delivery charge reduced.</summary>
    public static byte[] CancelBody(IEnumerable<string> lineIds)
    {
        var body = new StringBuilder("{\"reduceShipping\":true,\"lines\":[");
        var first = true;
        foreach (var id in lineIds)
        {
            if (!first) body.Append(',');
            first = false;
            body.Append("{\"lineId\":\"").Append(id).Append("\",\"quantity\":1,\"reason\":\"customer_request\"}");
        }
        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "…" : text;
    }
}

public sealed record CapturedOrder(string Id, string GroupId, IReadOnlyDictionary<string, string> LineIdsByReference);

public sealed record OrderState(int ProductLines, decimal GrandTotal, string Status);

/// <param name="ChangeLines">Lines of the change order answered: the canceled lines, plus the delivery charge when it was reduced.</param>
public sealed record ChangeCall(double Ms, decimal GrandTotalAfter, int ChangeLines, int ResponseBytes);
