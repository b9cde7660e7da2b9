using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;

namespace Waybill.Server.Webhooks;

/// <summary>
/// The <c>send_webhook</c> flow action: input <c>subscriptionId</c> or <c>url</c> (a live subscription's URL: its secret
/// signs), optional <c>payload</c> (default: the triggering event). Adds a signed delivery to the run's unit of work —
/// the HTTP call is a job after the run commits — and answers <c>{ "deliveryId" }</c>.
/// </summary>
/// <remarks>
/// With a <c>payload</c> the body is still one CloudEvent, so receivers parse one shape: the triggering event's type and
/// subject, <c>source</c> <c>/waybill/flows/&lt;flow&gt;</c>, the delivery's id as <c>id</c>, and the payload as <c>data</c>.
/// </remarks>
public sealed class SendWebhookAction : IFlowAction
{
    public const string ActionName = "send_webhook";
    public string Name => ActionName;

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var db = context.Services.GetRequiredService<WaybillDb>();
        var deliveries = context.Services.GetRequiredService<WebhookDeliveries>();
        var ids = context.Services.GetRequiredService<Domain.Common.IIdGenerator>();

        var subscriptionId = Text(input, "subscriptionId");
        var url = Text(input, "url");
        WebhookSubscription? subscription;
        if (subscriptionId is not null)
        {
            subscription = await db.WebhookSubscriptions.AsNoTracking()
                .FirstOrDefaultAsync(s => s.Id == subscriptionId && s.DeletedAt == null, cancellationToken)
                ?? throw new FlowInputException($"subscriptionId: there is no webhook subscription '{subscriptionId}'.");
        }
        else if (url is not null)
        {
            subscription = await db.WebhookSubscriptions.AsNoTracking()
                .Where(s => s.Url == url && s.DeletedAt == null).OrderBy(s => s.Id)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new FlowInputException($"url: no webhook subscription has the URL '{url}'; create one, so the receiver has a secret to verify with.");
        }
        else
        {
            throw new FlowInputException("send_webhook needs subscriptionId or url.");
        }

        var e = context.Event;
        string body;
        string? deliveryId = null;
        if (input["payload"] is { } payload)
        {
            deliveryId = ids.NewId();
            using var data = JsonDocument.Parse(payload.ToJsonString());
            var cloudEvent = new EventFeed.CloudEvent("1.0", deliveryId, $"/waybill/flows/{context.FlowName}", e.Type, e.Subject, e.Time,
                "application/json", data.RootElement.Clone());
            body = JsonSerializer.Serialize(cloudEvent, WaybillJson.Options);
        }
        else
        {
            body = WebhookDeliveries.BodyOf(e);
        }
        var delivery = deliveries.Add(subscription, e, body, $"flow:{context.FlowName}", deliveryId);
        return new JsonObject { ["deliveryId"] = delivery.Id };
    }

    private static string? Text(JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) => s,
        _ => throw new FlowInputException($"{name} must be a non-empty string."),
    };
}
