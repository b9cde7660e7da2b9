using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Domain.Webhooks;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// <c>POST /api/v1/payment-gateways/{gateway}/notifications</c>, as a provider posts it: no API key, the Standard Webhooks
/// signature is the credential.
/// </summary>
public abstract class PaymentNotificationsEndpointTests(WaybillServer server)
{
    private ReceivedNotifications Received => server.Services.GetRequiredService<ReceivedNotifications>();

    private static string Body(string id, string type = "capture.succeeded", string key = "key_1") => new JsonObject
    {
        ["id"] = id,
        ["type"] = type,
        ["idempotencyKey"] = key,
        ["paymentReference"] = "auth_ok_endpoint",
        ["amount"] = 12.5m,
        ["currency"] = "EUR",
        ["reference"] = "mock_cap_1",
        ["message"] = null,
        ["occurredAt"] = "2026-11-22T10:15:00Z",
    }.ToJsonString();

    private async Task<HttpResponseMessage> PostAsync(string body, string id, DateTimeOffset? at = null, string? secret = null, string gateway = "mock",
        string? signature = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/payment-gateways/{gateway}/notifications")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature ?? WebhookSignature.Sign(secret ?? GatewayTestHost.Secret, id, timestamp, body));
        // No API key: the endpoint is public.
        return await server.Client(key: null).SendAsync(request);
    }

    private static string NewId() => "ntf_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_signed_notification_is_received_without_an_api_key_and_handed_to_the_payments_side()
    {
        var id = NewId();
        var answer = await (await PostAsync(Body(id), id)).Expect(HttpStatusCode.OK);

        Assert.True(answer["received"]!.GetValue<bool>());
        var (gateway, notification) = Assert.Single(Received.Received, r => r.Notification.NotificationId == id);
        Assert.Equal("mock", gateway);
        Assert.Equal((GatewayNotificationKind.CaptureResult, GatewayResult.Success, "key_1", 12.5m, "EUR"),
            (notification.Kind, notification.Result, notification.IdempotencyKey, notification.Amount, notification.Currency));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 15, 0, TimeSpan.Zero), notification.OccurredAt);
    }

    [Theory]
    [InlineData("dispute.opened", GatewayNotificationKind.Dispute)]
    [InlineData("chargeback.created", GatewayNotificationKind.Chargeback)]
    [InlineData("refund.declined", GatewayNotificationKind.RefundResult)]
    public async Task Disputes_chargebacks_and_refund_results_are_read(string type, GatewayNotificationKind kind)
    {
        var id = NewId();
        await (await PostAsync(Body(id, type), id)).Expect(HttpStatusCode.OK);
        Assert.Equal(kind, Assert.Single(Received.Received, r => r.Notification.NotificationId == id).Notification.Kind);
    }

    [Fact]
    public async Task A_notification_signed_with_another_secret_is_401_and_not_handed_on()
    {
        var id = NewId();
        var other = WebhookSecret.From(new byte[32]);
        await (await PostAsync(Body(id), id, secret: other)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.DoesNotContain(Received.Received, r => r.Notification.NotificationId == id);
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_401()
    {
        var id = NewId();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(GatewayTestHost.Secret, id, timestamp, Body(id));
        await (await PostAsync(Body(id).Replace("12.5", "1250", StringComparison.Ordinal), id, signature: signature))
            .ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.DoesNotContain(Received.Received, r => r.Notification.NotificationId == id);
    }

    [Fact]
    public async Task A_notification_without_signature_headers_is_401()
    {
        var response = await server.Client(key: null).PostRaw("/api/v1/payment-gateways/mock/notifications", Body(NewId()));
        await response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task A_timestamp_more_than_five_minutes_away_is_401_even_when_signed(int minutes)
    {
        var id = NewId();
        await (await PostAsync(Body(id), id, at: DateTimeOffset.UtcNow.AddMinutes(minutes))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.DoesNotContain(Received.Received, r => r.Notification.NotificationId == id);
    }

    [Fact]
    public async Task A_timestamp_within_five_minutes_is_accepted()
    {
        var id = NewId();
        await (await PostAsync(Body(id), id, at: DateTimeOffset.UtcNow.AddMinutes(-4))).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_signed_notification_of_an_unknown_type_is_401()
    {
        var id = NewId();
        await (await PostAsync(Body(id, type: "payout.paid"), id)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.DoesNotContain(Received.Received, r => r.Notification.NotificationId == id);
    }

    [Fact]
    public async Task An_unknown_gateway_is_404()
    {
        var id = NewId();
        await (await PostAsync(Body(id), id, gateway: "stripe")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await PostAsync(Body(id), id, gateway: "Mock")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413()
    {
        var id = NewId();
        var body = Body(id).Replace("\"message\":null", "\"message\":\"" + new string('x', 70 * 1024) + "\"", StringComparison.Ordinal);
        await (await PostAsync(body, id)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.DoesNotContain(Received.Received, r => r.Notification.NotificationId == id);
    }
}

public sealed class PaymentNotificationsEndpointOnSqlite(GatewaySqliteServer server) : PaymentNotificationsEndpointTests(server), IClassFixture<GatewaySqliteServer>;

public sealed class PaymentNotificationsEndpointOnPostgres(GatewayPostgresServer server) : PaymentNotificationsEndpointTests(server), IClassFixture<GatewayPostgresServer>;
