using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Polly.Timeout;
using Waybill.Domain.Webhooks;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>
/// The built-in <c>mock</c> gateway: an adapter like a real provider's, talking HTTP through a named HttpClient with a
/// resilience pipeline, whose far end is <see cref="MockGatewayHandler"/> in this process (docs/decisions/0031).
/// </summary>
public sealed class MockGateway(IHttpClientFactory clients, MockGatewaySecret secret, IClock clock, ILogger<MockGateway> log) : IPaymentGateway
{
    public const string GatewayName = "mock";
    public const string ClientName = "payments.mock";
    /// <summary>Never resolved: the client's primary handler answers in process.</summary>
    public static readonly Uri BaseAddress = new("http://mock-gateway.invalid/");

    public string Name => GatewayName;

    public Task<GatewayAnswer> CaptureAsync(GatewayCall call, CancellationToken cancellationToken) => SendAsync("v1/captures", call, cancellationToken);

    public Task<GatewayAnswer> RefundAsync(GatewayCall call, CancellationToken cancellationToken) => SendAsync("v1/refunds", call, cancellationToken);

    public Task<GatewayAnswer> VoidAsync(GatewayCall call, CancellationToken cancellationToken) => SendAsync("v1/voids", call, cancellationToken);

    public GatewayNotification? ReadNotification(IReadOnlyDictionary<string, string> headers, string body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (Header(headers, "webhook-id") is not { Length: > 0 } id ||
            !long.TryParse(Header(headers, "webhook-timestamp"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var timestamp) ||
            !WebhookVerification.IsFresh(timestamp, clock.UtcNow) ||
            !WebhookVerification.IsSigned(secret.Value, id, timestamp, body, Header(headers, "webhook-signature")))
            return null;
        try
        {
            // Signed by the mock, so unreadable means a version mismatch: refused like a bad signature, and logged.
            var notification = JsonSerializer.Deserialize<MockGatewayNotification>(body, WaybillJson.Options)?.ToGatewayNotification();
            if (notification is null) log.LogWarning("A signed mock gateway notification {WebhookId} has an unknown type and was refused.", id);
            return notification;
        }
        catch (JsonException ex)
        {
            log.LogWarning(ex, "A signed mock gateway notification {WebhookId} could not be read and was refused.", id);
            return null;
        }
    }

    private async Task<GatewayAnswer> SendAsync(string path, GatewayCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        // The same request message (and so the same key) goes out on every retry of the pipeline.
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(new MockGatewayRequest(call.PaymentReference, call.Amount, call.Currency), WaybillJson.Options),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(MockGatewayHandler.IdempotencyHeader, call.IdempotencyKey);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            MockGatewayAnswer? answer = null;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<MockGatewayAnswer>(WaybillJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not the mock's JSON (a proxy's error page): the status says it all.
            }
            return answer is null
                ? new GatewayAnswer(GatewayResult.Error, null, $"The gateway answered HTTP {(int)response.StatusCode}.", "gateway_error")
                : new GatewayAnswer(answer.Result, answer.Reference, answer.Message, answer.Code);
        }
        catch (TimeoutRejectedException)
        {
            return new GatewayAnswer(GatewayResult.Error, null, "The gateway did not answer in time, after retries.", "gateway_timeout");
        }
        catch (HttpRequestException ex)
        {
            return new GatewayAnswer(GatewayResult.Error, null, ex.Message, "gateway_unreachable");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new GatewayAnswer(GatewayResult.Error, null, "The gateway did not answer in time, after retries.", "gateway_timeout");
        }
    }

    private static string? Header(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var value)) return value;
        foreach (var (key, found) in headers)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return found;
        return null;
    }
}
