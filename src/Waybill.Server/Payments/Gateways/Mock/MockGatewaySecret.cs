using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Waybill.Domain.Webhooks;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>
/// The secret the mock signs its notifications with and checks them against. Unset, each process draws its own: a
/// notification signed on one node would not verify on another, so a cluster sets <c>WAYBILL_MOCK_GATEWAY_SECRET</c>.
/// </summary>
public sealed class MockGatewaySecret
{
    public MockGatewaySecret(IOptions<MockGatewayOptions> options, ILogger<MockGatewaySecret> log)
    {
        if (options.Value.Secret is { Length: > 0 } configured)
        {
            Value = configured;
            return;
        }
        Value = WebhookSecret.From(RandomNumberGenerator.GetBytes(WebhookSecret.GeneratedBytes));
        log.LogWarning("WAYBILL_MOCK_GATEWAY_SECRET is not set: the mock gateway signs its notifications with a random secret of this process. " +
            "Set it (a whsec_ secret) when several nodes share one database, or their notifications will not verify on each other.");
    }

    public string Value { get; }
}
