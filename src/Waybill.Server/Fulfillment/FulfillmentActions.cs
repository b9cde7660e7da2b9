using Microsoft.EntityFrameworkCore;
using System.Security.Claims;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Fulfillment;

/// <summary>Which fulfillment orders a caller may see: a <c>fulfillment</c> key those of its locations only (api.md "Auth").</summary>
public static class FulfillmentScope
{
    public static bool IsLimited(this ClaimsPrincipal user) => user.IsInRole(nameof(Role.Fulfillment));

    public static IReadOnlyList<string> Locations(this ClaimsPrincipal user) =>
        [.. user.FindAll(ApiKeyAuthentication.LocationClaim).Select(c => c.Value)];

    /// <summary>Another location's fulfillment order is 403 for a fulfillment key (api.md), not 404.</summary>
    public static void EnsureMayWorkOn(this ClaimsPrincipal user, FulfillmentOrder fo) => user.EnsureMayWorkAt(fo.Location, $"Fulfillment order {fo.Id}");

    /// <param name="what">Names the resource in the problem's detail, e.g. "Shipment s1".</param>
    public static void EnsureMayWorkAt(this ClaimsPrincipal user, string location, string what)
    {
        if (user.IsLimited() && !user.Locations().Contains(location, StringComparer.Ordinal))
            throw new ProblemException(Problems.Create(403, "forbidden", "This key's role may not do this.",
                $"{what} belongs to location {location}, which this key does not serve."));
    }
}

/// <summary>What every fulfillment order action does around the domain call: load, check the key's locations and If-Match, act, record, save.</summary>
public sealed class FulfillmentActions(WaybillDb db, RequestCommit commit, EventOutbox outbox, AuditTrail audit, IClock clock, IHttpContextAccessor http)
{
    /// <param name="act">Acts through the domain; may change other rows (the order, the stock) in the same transaction.</param>
    public Task<FulfillmentOrderResponse> RunAsync(string id, Func<FulfillmentOrder, DateTimeOffset, Task<object?>> act, CancellationToken cancellationToken) =>
        RunAsync(id, 200, act, FulfillmentOrderResponse.From, _ => null, cancellationToken);

    /// <param name="respond">The response body, built after the change is recorded (the fulfillment order, or a shipment it made).</param>
    /// <param name="location">The created resource's path for a 201, else null.</param>
    public Task<T> RunAsync<T>(string id, int statusCode, Func<FulfillmentOrder, DateTimeOffset, Task<object?>> act, Func<FulfillmentOrder, T> respond,
        Func<T, string?> location, CancellationToken cancellationToken) =>
        commit.InTransactionAsync(async () =>
        {
            var context = http.HttpContext!;
            if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM fulfillment_orders WHERE id = {id} FOR UPDATE", cancellationToken);
            var fo = await FulfillmentRecords.FindAsync(db, id, cancellationToken)
                ?? throw new ProblemException(Problems.NotFound("fulfillment order", id));
            context.User.EnsureMayWorkOn(fo);
            IfMatch.Check(context.Request, fo.Version);
            var changes = await act(fo, clock.UtcNow);
            FulfillmentRecords.RecordEvents(fo, outbox, audit, context.User.Actor(), changes);
            var response = respond(fo);
            var path = location(response);
            await commit.SaveAsync(statusCode, response, path, cancellationToken);
            context.Response.Headers.ETag = $"\"{fo.Version}\"";
            return response;
        }, cancellationToken);
}
