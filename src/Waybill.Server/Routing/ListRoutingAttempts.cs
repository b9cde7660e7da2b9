using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Routing;

/// <summary><c>GET /api/v1/orders/{id}/routing-attempts</c>: every try to route the order, oldest first, with its outcome and why.</summary>
public static class ListRoutingAttempts
{
    public static RouteHandlerBuilder MapListRoutingAttempts(this RouteGroupBuilder orders) => orders
        .MapGet("/{id}/routing-attempts", Handle)
        .RequireAuthorization(Policies.ReadOrders)
        .WithName("ListRoutingAttempts");

    public static async Task<Ok<Page<RoutingAttemptResponse>>> Handle(string id, int? limit, string? cursor, WaybillDb db, HttpContext http,
        CancellationToken cancellationToken)
    {
        var page = PageRequest.Parse(limit, cursor);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null || !http.User.CanSee(order)) throw new ProblemException(Problems.NotFound("order", id));
        var after = page.After is null ? 0 : int.TryParse(page.After, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new ProblemException(Problems.Validation("cursor", "The cursor is not one this server gave out."));
        var attempts = await db.RoutingAttempts.AsNoTracking().Where(a => a.OrderId == id && a.Number > after)
            .OrderBy(a => a.Number).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(attempts, a => a.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), RoutingAttemptResponse.From));
    }
}
