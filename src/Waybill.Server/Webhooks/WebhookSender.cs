using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Waybill.Domain.Webhooks;

namespace Waybill.Server.Webhooks;

/// <summary>
/// Makes one attempt: POSTs the CloudEvent with the Standard Webhooks headers and reports what the receiver did. Never
/// throws for the receiver's sake (an error, a timeout or a non-2xx answer is an outcome); the retry schedule across
/// hours is durable jobs, not this client.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options)
{
    public const string ClientName = "webhooks";
    public const string ContentType = "application/cloudevents+json";

    public async Task<WebhookAttemptOutcome> SendAsync(string url, string secret, string webhookId, long timestamp, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        // Bytes, not StringContent: the content type is exactly application/cloudevents+json (JSON is UTF-8 by definition).
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(secret, webhookId, timestamp, body));

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            var error = code is >= 200 and < 300 ? null : $"The receiver answered {code} {response.ReasonPhrase}".TrimEnd() + ".";
            return new WebhookAttemptOutcome(code, error, watch.ElapsedMilliseconds);
        }
        catch (TimeoutRejectedException)
        {
            return new WebhookAttemptOutcome(null, $"No answer within {options.Value.Timeout.TotalSeconds:0.###} s.", watch.ElapsedMilliseconds);
        }
        catch (HttpRequestException ex)
        {
            return new WebhookAttemptOutcome(null, ex.Message, watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttemptOutcome(null, $"No answer within {options.Value.Timeout.TotalSeconds:0.###} s.", watch.ElapsedMilliseconds);
        }
    }
}
