using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>
/// Waybill's inventory API as the bench uses it: set-up calls (locations, groups, stock), the checks made after a run
/// (availability), and the load clients. One <see cref="HttpClient"/> over one <see cref="SocketsHttpHandler"/> serves
/// them all, with a connection per client, as <see cref="LoadDriver"/> does for captures. The types below mirror the
/// HTTP contract (api.md "Inventory"), not the server's classes: the bench does not reference the server.
/// </summary>
public sealed class InventoryHttp : IDisposable
{
    public const string ReservationsPath = "api/v1/inventory/reservations";

    // Enough of an error body to see which rule failed without flooding the console.
    private const int MaxErrorBodyChars = 600;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;

    public InventoryHttp(Uri baseAddress, string apiKey, int clients)
    {
        http = BenchHttp.Create(baseAddress, apiKey, Math.Max(clients, SetupParallelism), TimeSpan.FromSeconds(30));
    }

    /// <summary>Concurrent requests while seeding stock through the API.</summary>
    public static int SetupParallelism => 16;

    public void Dispose() => http.Dispose();

    public Task PutLocationAsync(string code, double latitude, double longitude, int priority, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"api/v1/locations/{code}",
            new LocationBody(code, "warehouse", latitude, longitude, priority, Active: true), cancellationToken);

    public Task PutLocationGroupAsync(string code, IReadOnlyList<string> locations, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"api/v1/location-groups/{code}", new GroupBody(code, locations), cancellationToken);

    public Task PutStockAsync(string location, string sku, long onHand, long safetyStock, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"api/v1/inventory/{location}/{Uri.EscapeDataString(sku)}", new StockBody(onHand, safetyStock), cancellationToken);

    /// <summary><c>GET /api/v1/inventory/availability</c> for the given SKUs at the given locations and groups.</summary>
    public async Task<IReadOnlyList<AvailabilityItem>> GetAvailabilityAsync(
        IReadOnlyList<string> skus, IReadOnlyList<string> locations, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(AvailabilityPath(skus, locations, groups), cancellationToken);
        await EnsureSuccessAsync(response, "GET availability", cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<AvailabilityBody>(Json, cancellationToken);
        return body?.Items ?? throw new InvalidOperationException("GET availability answered without items.");
    }

    public static string AvailabilityPath(IReadOnlyList<string> skus, IReadOnlyList<string> locations, IReadOnlyList<string> groups)
    {
        var path = "api/v1/inventory/availability?skus=" + Uri.EscapeDataString(string.Join(',', skus));
        if (locations.Count > 0)
        {
            path += "&locations=" + Uri.EscapeDataString(string.Join(',', locations));
        }

        if (groups.Count > 0)
        {
            path += "&groups=" + Uri.EscapeDataString(string.Join(',', groups));
        }

        return path;
    }

    /// <summary>A load client that POSTs the reservation body <paramref name="bodies"/> picks for each request.</summary>
    public ILoadClient CreateReservationClient(Func<long, byte[]> bodies) => new ReservationClient(http, bodies);

    /// <summary>A load client that GETs <paramref name="path"/> and reads the whole answer.</summary>
    public ILoadClient CreateGetClient(string path) => new GetClient(http, path);

    /// <summary>A reservation body: one line of <paramref name="quantity"/> of a SKU at a location, no key, no expiry.</summary>
    public static byte[] ReservationBody(string sku, string location, int quantity = 1) =>
        JsonSerializer.SerializeToUtf8Bytes(new ReservationBodyJson([new ReservationLineJson(sku, quantity, location)]), Json);

    private async Task SendAsync<T>(HttpMethod method, string path, T body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, $"{method} {path}", cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new InvalidOperationException($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(text)}");
    }

    private static string Truncate(string text) => text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "…" : text;

    /// <summary>Sends a request and reads the whole answer into a buffer the client reuses; 2xx is success.</summary>
    private abstract class Client(HttpClient http) : ILoadClient
    {
        private readonly byte[] drain = new byte[64 * 1024];

        public async ValueTask<CaptureAttempt> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            using var request = CreateRequest(sequence);
            try
            {
                // The latency runs to the last byte of the answer, read here rather than buffered by HttpClient, so a big
                // availability answer costs the bench a copy, not a growing MemoryStream.
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.StatusCode == ExpectedStatus)
                {
                    await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                    while (await stream.ReadAsync(drain, cancellationToken) > 0)
                    {
                    }

                    return CaptureAttempt.Success;
                }

                var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                return CaptureAttempt.Failure(status, $"{status} {response.ReasonPhrase} for {request.Method} {request.RequestUri}: {Truncate(text)}");
            }
            catch (HttpRequestException exception) when (exception.InnerException is SocketException || exception.HttpRequestError == HttpRequestError.ConnectionError)
            {
                return CaptureAttempt.Failure("connection", exception.Message);
            }
            catch (HttpRequestException exception)
            {
                return CaptureAttempt.Failure("http-error", exception.Message);
            }
            catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                return CaptureAttempt.Failure("timeout", exception.Message);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        protected abstract HttpStatusCode ExpectedStatus { get; }

        protected abstract HttpRequestMessage CreateRequest(long sequence);
    }

    private sealed class ReservationClient(HttpClient http, Func<long, byte[]> bodies) : Client(http)
    {
        protected override HttpStatusCode ExpectedStatus => HttpStatusCode.Created;

        protected override HttpRequestMessage CreateRequest(long sequence)
        {
            // The body arrays are shared and never written: ByteArrayContent only reads them.
            var request = new HttpRequestMessage(HttpMethod.Post, ReservationsPath) { Content = new ByteArrayContent(bodies(sequence)) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return request;
        }
    }

    private sealed class GetClient(HttpClient http, string path) : Client(http)
    {
        protected override HttpStatusCode ExpectedStatus => HttpStatusCode.OK;

        protected override HttpRequestMessage CreateRequest(long sequence) => new(HttpMethod.Get, path);
    }

    private sealed record LocationBody(string Name, string Type, double Latitude, double Longitude, int Priority, bool Active);

    private sealed record GroupBody(string Name, IReadOnlyList<string> Locations);

    private sealed record StockBody(long OnHand, long SafetyStock);

    private sealed record ReservationBodyJson(IReadOnlyList<ReservationLineJson> Lines);

    private sealed record ReservationLineJson(string Sku, int Quantity, string Location);

    private sealed record AvailabilityBody(IReadOnlyList<AvailabilityItem> Items);
}

/// <summary>A row of <c>GET /api/v1/inventory/availability</c>.</summary>
public sealed record AvailabilityItem(
    string Sku,
    string? Location,
    string? Group,
    long OnHand,
    long Reserved,
    long SafetyStock,
    long AvailableToFulfill,
    long AvailableToOrder);
