using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Waybill.Bench.Capture;

/// <summary>
/// Drives <c>POST /api/v1/orders</c> on a running Waybill. One <see cref="HttpClient"/> over one
/// <see cref="SocketsHttpHandler"/> is shared by all clients (that is how a real caller holds it); the handler
/// allows one connection per client so no request queues inside the bench.
/// </summary>
public sealed class LoadDriver : IDisposable
{
    public const string OrdersPath = "api/v1/orders";

    // Enough of an error body to see which rule failed without flooding the console.
    private const int MaxErrorBodyChars = 600;

    private readonly HttpClient http;

    public LoadDriver(Uri baseAddress, string apiKey, int clients)
    {
        http = BenchHttp.Create(baseAddress, apiKey, clients, TimeSpan.FromSeconds(30));
    }

    /// <summary>A client for <see cref="ClosedLoop"/>; all of them share this driver's connection pool.</summary>
    public Task<ICaptureClient> CreateClientAsync(int index, CancellationToken cancellationToken) =>
        Task.FromResult<ICaptureClient>(new Client(http));

    public void Dispose() => http.Dispose();

    private sealed class Client(HttpClient http) : ICaptureClient
    {
        public async ValueTask<CaptureAttempt> CaptureAsync(GeneratedOrder order, long sequence, CancellationToken cancellationToken)
        {
            // A fresh array per request (not a reused buffer): the handler may still be reading the content
            // when an early error response completes SendAsync, and 2 KB of garbage is cheap next to a request.
            var body = GC.AllocateUninitializedArray<byte>(order.BodyLength);
            order.WriteBody(sequence, body);

            using var request = new HttpRequestMessage(HttpMethod.Post, OrdersPath) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());

            try
            {
                // ResponseContentRead: the latency includes reading the whole response body.
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return CaptureAttempt.Success;
                }

                var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (text.Length > MaxErrorBodyChars)
                {
                    text = text[..MaxErrorBodyChars] + "…";
                }

                return CaptureAttempt.Failure(status, $"{status} {response.ReasonPhrase} for {order.ExternalReference(sequence)}: {text}");
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
    }
}
