using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Waybill.Bench.Payments;

/// <summary>
/// The calls the order-to-cash benchmark makes, over one <see cref="HttpClient"/> with a connection per client. The JSON
/// is read as documents, not server types: the bench mirrors the HTTP contract (api.md "Orders", "Fulfillment",
/// "Payments, invoices, credit memos", the event feed) and does not reference the server.
/// </summary>
public sealed class InvoicingHttp : IDisposable
{
    private const int Page = 500;
    private const int MaxErrorBodyChars = 600;

    private readonly HttpClient http;

    public InvoicingHttp(Uri baseAddress, string apiKey, int clients)
    {
        http = BenchHttp.Create(baseAddress, apiKey, clients + 2, TimeSpan.FromSeconds(60));
    }

    public void Dispose() => http.Dispose();

    /// <summary><c>POST /api/v1/orders</c>; anything but 201 is an error (the set-up must capture every order).</summary>
    public async Task CaptureOrderAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await http.PostAsync("api/v1/orders", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/v1/orders answered {(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}");
    }

    /// <summary>
    /// Every event of <paramref name="types"/> after <paramref name="cursor"/> that the feed has now, page by page; returns
    /// where to read on from. The last page has no <c>nextCursor</c> (and a client cannot make one: it holds the writing
    /// transaction's id), so the next call reads that page again: <paramref name="onEvent"/> must tolerate repeats.
    /// </summary>
    public async Task<string?> ReadEventsAsync(string types, string? cursor, Action<JsonElement> onEvent, CancellationToken cancellationToken)
    {
        while (true)
        {
            var path = $"api/v1/events?types={types}&limit={Page}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var page = await GetJsonAsync(path, cancellationToken);
            foreach (var e in page.RootElement.GetProperty("items").EnumerateArray()) onEvent(e);
            // Stop on the missing cursor, not on a short page: a last page that is exactly full has none either.
            if (page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String) cursor = next.GetString();
            else return cursor;
        }
    }

    /// <summary>Every fulfillment order in <paramref name="status"/>, with the open quantity of each line.</summary>
    public async Task<IReadOnlyList<OpenFulfillmentOrder>> ListFulfillmentOrdersAsync(string status, CancellationToken cancellationToken)
    {
        var found = new List<OpenFulfillmentOrder>();
        string? cursor = null;
        do
        {
            using var page = await GetJsonAsync(
                $"api/v1/fulfillment-orders?status={status}&limit={Page}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), cancellationToken);
            foreach (var fo in page.RootElement.GetProperty("items").EnumerateArray())
            {
                var lines = fo.GetProperty("lines").EnumerateArray()
                    .Select(l => new OpenLine(l.GetProperty("id").GetString()!,
                        l.GetProperty("quantity").GetInt32() - l.GetProperty("quantityShipped").GetInt32()
                        - l.GetProperty("quantityRejected").GetInt32() - l.GetProperty("quantityCanceled").GetInt32()))
                    .Where(l => l.Quantity > 0)
                    .ToList();
                found.Add(new OpenFulfillmentOrder(fo.GetProperty("id").GetString()!, fo.GetProperty("orderId").GetString()!, lines));
            }
            var next = page.RootElement.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return found;
    }

    /// <summary>How many invoices are in <paramref name="status"/> (paged through; only for the end of a run).</summary>
    public async Task<int> CountInvoicesAsync(string status, CancellationToken cancellationToken)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            using var page = await GetJsonAsync(
                $"api/v1/invoices?status={status}&limit={Page}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), cancellationToken);
            count += page.RootElement.GetProperty("items").GetArrayLength();
            var next = page.RootElement.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return count;
    }

    /// <summary>
    /// <c>POST /api/v1/fulfillment-orders/{id}/shipments</c> with every open line: the shipment's id and the server's
    /// <c>createdAt</c> on 201, otherwise the status and the problem's text.
    /// </summary>
    public async Task<ShipAttempt> ShipAsync(OpenFulfillmentOrder fo, CancellationToken cancellationToken)
    {
        var body = new StringBuilder("{\"carrier\":\"UPS\",\"service\":\"ground\",\"trackingNumber\":\"1Z")
            .Append(fo.Id.AsSpan(Math.Max(0, fo.Id.Length - 16))).Append("\",\"lines\":[");
        for (var i = 0; i < fo.Lines.Count; i++)
        {
            if (i > 0) body.Append(',');
            body.Append("{\"lineId\":\"").Append(fo.Lines[i].Id).Append("\",\"quantity\":")
                .Append(fo.Lines[i].Quantity.ToString(CultureInfo.InvariantCulture)).Append('}');
        }
        body.Append("]}");
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"api/v1/fulfillment-orders/{fo.Id}/shipments", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
            return new ShipAttempt(null, null, $"{(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}");
        using var shipment = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return new ShipAttempt(shipment.RootElement.GetProperty("id").GetString(), shipment.RootElement.GetProperty("createdAt").GetDateTimeOffset(), null);
    }

    /// <summary>The order's answered capture calls from its interaction log: when each was logged (before the call) and answered.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset RequestedAt, DateTimeOffset At)>> CaptureCallsAsync(string orderId, CancellationToken cancellationToken)
    {
        using var payments = await GetJsonAsync($"api/v1/orders/{orderId}/payments", cancellationToken);
        return [.. payments.RootElement.GetProperty("interactions").EnumerateArray()
            .Where(i => i.GetProperty("type").GetString() == "capture" && i.GetProperty("result").GetString() != "pending")
            .Select(i => (i.GetProperty("requestedAt").GetDateTimeOffset(), i.GetProperty("at").GetDateTimeOffset()))];
    }

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}");
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "…" : text;
    }
}

public sealed record OpenLine(string Id, int Quantity);

public sealed record OpenFulfillmentOrder(string Id, string OrderId, IReadOnlyList<OpenLine> Lines);

/// <summary>One shipment request: the shipment and its server time, or why it failed.</summary>
public sealed record ShipAttempt(string? ShipmentId, DateTimeOffset? CreatedAt, string? Error);
