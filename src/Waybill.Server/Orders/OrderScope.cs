using System.Security.Claims;
using Waybill.Domain.Orders;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary>
/// Which orders a caller may read: a storefront key its own captures (api.md: "read its orders"), every other
/// reading role all of them. Someone else's order is answered as unknown (404), not as forbidden, so ids do not leak.
/// </summary>
public static class OrderScope
{
    public static IQueryable<Order> VisibleTo(this IQueryable<Order> orders, ClaimsPrincipal user)
    {
        if (!user.IsInRole(nameof(Role.Storefront))) return orders;
        var keyId = user.KeyId();
        return orders.Where(o => o.CapturedBy == keyId);
    }

    public static bool CanSee(this ClaimsPrincipal user, Order order) =>
        !user.IsInRole(nameof(Role.Storefront)) || order.CapturedBy == user.KeyId();
}
