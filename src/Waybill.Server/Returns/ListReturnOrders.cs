using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Returns;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Returns;

/// <summary><c>GET /api/v1/return-orders?status=&amp;orderId=</c>: newest first, cursor paging.</summary>
public static class ListReturnOrders
{
    private static readonly Dictionary<string, ReturnOrderStatus> StatusesByName =
        Enum.GetValues<ReturnOrderStatus>().ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    public static RouteHandlerBuilder MapListReturnOrders(this RouteGroupBuilder returnOrders) => returnOrders
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListReturnOrders");

    public static async Task<Ok<Page<ReturnOrderResponse>>> Handle(string? status, string? orderId, int? limit, string? cursor, WaybillDb db,
        CancellationToken cancellationToken)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.ReturnOrders.AsNoTracking();
        if (status is not null)
        {
            if (!StatusesByName.TryGetValue(status, out var wanted))
                throw new ProblemException(Problems.Validation("status", $"'{status}' is not a return order status: {string.Join(", ", StatusesByName.Keys)}."));
            query = query.Where(r => r.Status == wanted);
        }
        if (orderId is not null) query = query.Where(r => r.OrderId == orderId);
        if (page.After is not null) query = query.Where(r => string.Compare(r.Id, page.After) < 0);
        var found = await query.Include(r => r.Lines).OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        foreach (var returnOrder in found) returnOrder.RestoreOrder();
        return TypedResults.Ok(page.ToPage(found, r => r.Id, ReturnOrderResponse.From));
    }
}
