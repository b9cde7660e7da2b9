using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Webhooks;

/// <summary><c>GET /api/v1/webhook-subscriptions</c>: the live subscriptions, oldest first, without their secrets.</summary>
public static class ListWebhookSubscriptions
{
    public static RouteHandlerBuilder MapListWebhookSubscriptions(this RouteGroupBuilder subscriptions) => subscriptions
        .MapGet("/", Handle)
        .WithName("ListWebhookSubscriptions");

    public static async Task<Ok<Page<WebhookSubscriptionResponse>>> Handle(WaybillDb db, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.WebhookSubscriptions.AsNoTracking().Where(s => s.DeletedAt == null);
        if (page.After is not null) query = query.Where(s => string.Compare(s.Id, page.After) > 0);
        var found = await query.OrderBy(s => s.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(found, s => s.Id, s => WebhookSubscriptionResponse.From(s)));
    }
}
