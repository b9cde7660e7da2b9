using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Payments.Mock;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>
/// The mock gateway's JSON API, served in process as the mock HttpClient's primary handler: <c>POST /v1/captures</c>,
/// <c>/v1/refunds</c>, <c>/v1/voids</c> with <c>Idempotency-Key</c> and <c>{ paymentReference, amount, currency }</c>,
/// answering <c>{ result, reference, message, code }</c>. No socket: the client's resilience pipeline sits in front of
/// it exactly as in front of a real provider's endpoint, so retries, timeouts and idempotency are the real ones.
/// </summary>
public sealed class MockGatewayHandler(IServiceScopeFactory scopes, IOptions<MockGatewayOptions> options) : HttpMessageHandler
{
    public const string IdempotencyHeader = "Idempotency-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Latency first and cancelable: an attempt timeout cuts a slow call off before it does anything.
        if (options.Value.LatencyMs > 0) await Task.Delay(options.Value.LatencyMs, cancellationToken);

        MockOperationKind? kind = request.RequestUri?.AbsolutePath switch
        {
            "/v1/captures" => MockOperationKind.Capture,
            "/v1/refunds" => MockOperationKind.Refund,
            "/v1/voids" => MockOperationKind.Void,
            _ => null,
        };
        if (kind is null || request.Method != HttpMethod.Post)
            return Answer(request, HttpStatusCode.NotFound, MockGatewayAnswer.Error("not_found", "The mock serves POST /v1/captures, /v1/refunds and /v1/voids."));
        if (!request.Headers.TryGetValues(IdempotencyHeader, out var keys) || keys.FirstOrDefault() is not { Length: > 0 } key)
            return Answer(request, HttpStatusCode.BadRequest, MockGatewayAnswer.Error("invalid_request", "Every request carries an Idempotency-Key."));

        MockGatewayRequest? body;
        try
        {
            // Read as text, not as a stream: a retry resends the same content, and HttpContent hands out one cached
            // stream that a stream reader would leave disposed.
            var text = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            body = text.Length == 0 ? null : JsonSerializer.Deserialize<MockGatewayRequest>(text, WaybillJson.Options);
        }
        catch (JsonException ex)
        {
            return Answer(request, HttpStatusCode.BadRequest, MockGatewayAnswer.Error("invalid_request", "The body is not valid JSON: " + ex.Message));
        }
        if (body is not { PaymentReference: { } reference, Amount: { } amount, Currency: { } currency })
            return Answer(request, HttpStatusCode.BadRequest, MockGatewayAnswer.Error("invalid_request", "The body needs paymentReference, amount and currency."));

        await using var scope = scopes.CreateAsyncScope();
        var processor = scope.ServiceProvider.GetRequiredService<MockGatewayProcessor>();
        MockGatewayTry tried;
        try
        {
            tried = await processor.TryAsync(key, kind.Value, reference, amount, currency, cancellationToken);
        }
        catch (DomainValidationException ex)
        {
            var fields = string.Join(" ", ex.Errors.SelectMany(e => e.Value));
            return Answer(request, HttpStatusCode.BadRequest, MockGatewayAnswer.Error("invalid_request", fields));
        }

        if (tried.Operation is not { } operation)
            return Answer(request, HttpStatusCode.UnprocessableEntity, MockGatewayAnswer.Error("idempotency_key_reused",
                $"The idempotency key '{key}' was used for another request."));
        return tried.Outcome switch
        {
            MockTryOutcome.Unavailable => Answer(request, HttpStatusCode.ServiceUnavailable,
                MockGatewayAnswer.Error("temporarily_unavailable", "The mock gateway is flaky for this authorization; try again.")),
            // Recorded and committed, then the answer is lost: only a retry with the same key can learn what happened.
            MockTryOutcome.AnswerLost => throw new HttpRequestException(HttpRequestError.ConnectionError,
                "Connection reset by peer (the mock gateway lost its answer)."),
            _ => Answer(request, StatusOf(operation.Result), MockGatewayAnswer.Of(operation)),
        };
    }

    /// <summary>As a card processor answers: 200 done, 202 accepted for later, 402 declined.</summary>
    private static HttpStatusCode StatusOf(MockOperationResult? result) => result switch
    {
        MockOperationResult.Success => HttpStatusCode.OK,
        MockOperationResult.Pending => HttpStatusCode.Accepted,
        _ => HttpStatusCode.PaymentRequired,
    };

    private static HttpResponseMessage Answer(HttpRequestMessage request, HttpStatusCode status, MockGatewayAnswer answer) => new(status)
    {
        RequestMessage = request,
        Content = new StringContent(JsonSerializer.Serialize(answer, WaybillJson.Options), Encoding.UTF8, "application/json"),
    };
}
