using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>GET /api/v1/fulfillment-orders?location=&amp;status=&amp;orderId=</c>: newest first, cursor paging. A fulfillment key
/// sees only its locations (asking for another location's list gives an empty page, as the filter and the key's scope meet).
/// </summary>
public static class ListFulfillmentOrders
{
    public static RouteHandlerBuilder MapListFulfillmentOrders(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapGet("/", Handle)
        .RequireAuthorization(FulfillmentModule.ReadPolicy)
        .WithName("ListFulfillmentOrders");

    private static readonly Dictionary<string, FulfillmentOrderStatus> StatusesByName =
        Enum.GetValues<FulfillmentOrderStatus>().ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    public static async Task<Ok<Page<FulfillmentOrderResponse>>> Handle(
        string? location, string? status, string? orderId, int? limit, string? cursor, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.FulfillmentOrders.AsNoTracking();
        if (status is not null)
        {
            if (!StatusesByName.TryGetValue(status, out var wanted))
                throw new ProblemException(Problems.Validation("status", $"'{status}' is not a fulfillment order status: {string.Join(", ", StatusesByName.Keys)}."));
            query = query.Where(f => f.Status == wanted);
        }
        if (location is not null) query = query.Where(f => f.Location == location);
        if (orderId is not null) query = query.Where(f => f.OrderId == orderId);
        if (http.User.IsLimited())
        {
            var mine = http.User.Locations().ToList();
            query = query.Where(f => mine.Contains(f.Location));
        }
        if (page.After is not null) query = query.Where(f => string.Compare(f.Id, page.After) < 0);
        var found = await query.Whole().OrderByDescending(f => f.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(found, f => f.Id, FulfillmentOrderResponse.From));
    }
}
