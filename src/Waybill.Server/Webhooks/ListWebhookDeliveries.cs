using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Webhooks;

/// <summary><c>GET /api/v1/webhook-subscriptions/{id}/deliveries?status=</c>: the delivery log, newest first.</summary>
public static class ListWebhookDeliveries
{
    public static RouteHandlerBuilder MapListWebhookDeliveries(this RouteGroupBuilder subscriptions) => subscriptions
        .MapGet("/{id}/deliveries", Handle)
        .WithName("ListWebhookDeliveries");

    public static async Task<Ok<Page<WebhookDeliveryResponse>>> Handle(
        string id, WaybillDb db, CancellationToken cancellationToken, string? status = null, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        await GetWebhookSubscription.LiveAsync(db, id, cancellationToken, tracked: false);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (status is not null)
        {
            if (!Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var wanted) || !Enum.IsDefined(wanted) || status.Any(char.IsDigit))
                throw new ProblemException(Problems.Validation("status", "status is pending, delivered or failed."));
            query = query.Where(d => d.Status == wanted);
        }
        // Ids are time-ordered: newest first is descending id, and the cursor is the last id served.
        if (page.After is not null) query = query.Where(d => string.Compare(d.Id, page.After) < 0);
        var found = await query.OrderByDescending(d => d.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(found, d => d.Id, WebhookDeliveryResponse.From));
    }
}
