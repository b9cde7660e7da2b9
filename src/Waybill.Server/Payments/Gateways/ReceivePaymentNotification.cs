using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.Gateways;

/// <summary>
/// <c>POST /api/v1/payment-gateways/{gateway}/notifications</c>: a gateway's asynchronous results, disputes and
/// chargebacks. Public — the gateway's signature is the credential (api.md "Public, no key"): one that does not verify
/// is 401 and nothing is recorded.
/// </summary>
public static class ReceivePaymentNotification
{
    /// <summary>Notifications are small; a larger body is refused before it is read (or as soon as it passes this).</summary>
    public const int BodyLimit = 64 * 1024;

    public sealed record Receipt(bool Received);

    public static RouteHandlerBuilder MapReceivePaymentNotification(this RouteGroupBuilder gateways) => gateways
        .MapPost("/{gateway}/notifications", Handle)
        .AllowAnonymous()
        .WithName("ReceivePaymentNotification");

    public static async Task<Ok<Receipt>> Handle(string gateway, HttpRequest request, PaymentNotificationReceiver receiver, CancellationToken cancellationToken)
    {
        if (request.ContentLength > BodyLimit) throw new ProblemException(Problems.PayloadTooLarge(BodyLimit));
        var body = await ReadBodyAsync(request, cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return await receiver.ReceiveAsync(gateway, headers, body, cancellationToken) switch
        {
            NotificationReceipt.UnknownGateway => throw new ProblemException(Problems.NotFound("payment gateway", gateway)),
            NotificationReceipt.Unverified => throw new ProblemException(Problems.Create(401, "unauthorized", "The notification's signature does not verify.",
                "Sign it with the gateway's secret (Standard Webhooks headers webhook-id, webhook-timestamp within 5 minutes, webhook-signature).")),
            _ => TypedResults.Ok(new Receipt(true)),
        };
    }

    /// <summary>The body as text, refused once it passes the limit (a chunked body has no Content-Length to go by).</summary>
    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > BodyLimit) throw new ProblemException(Problems.PayloadTooLarge(BodyLimit));
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
