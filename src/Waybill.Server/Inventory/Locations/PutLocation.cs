using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Locations;

/// <summary>
/// <c>PUT /api/v1/locations/{code}</c>: an admin creates a location (201) or replaces every field of it (200).
/// Omitted fields take their defaults — <c>priority</c> 0, <c>active</c> true, no address, no coordinates.
/// </summary>
public static class PutLocation
{
    public const string EventType = "location.upserted";

    public sealed record Request(
        string? Name,
        LocationType? Type,
        AddressInput? Address,
        double? Latitude,
        double? Longitude,
        int? Priority,
        bool? Active);

    public static RouteHandlerBuilder MapPutLocation(this RouteGroupBuilder locations) => locations
        .MapPut("/{code}", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("PutLocation")
        .WithSummary("Create or replace a location");

    public static async Task<Results<Created<LocationResponse>, Ok<LocationResponse>>> Handle(
        string code, Request request, WaybillDb db, EventOutbox outbox, AuditTrail audit, RequestCommit commit, StockLedger ledger, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        Codes.EnsureWellFormed(code);
        var details = ToDetails(request);
        var path = $"/api/v1/locations/{code}";

        // Two first PUTs of one code may race: the loser's insert breaks the primary key, and it replaces the winner's row.
        for (var attempt = 1; ; attempt++)
        {
            var location = await db.Locations.FirstOrDefaultAsync(l => l.Code == code, cancellationToken);
            IfMatch.Check(http.Request, location?.Version);
            var created = location is null;
            var wasActive = location?.Active ?? false;
            if (location is null)
            {
                location = Location.Create(code, details, clock.UtcNow);
                db.Locations.Add(location);
            }
            else location.Replace(details, clock.UtcNow);

            var response = LocationResponse.From(location);
            outbox.Add(EventType, location.Code, response);
            audit.Record("location", location.Code, created ? "create" : "replace", http.User.Actor(), null, null, null, response);
            try
            {
                if (created || wasActive == location.Active)
                    await commit.SaveAsync(created ? 201 : 200, response, created ? path : null, cancellationToken);
                else
                    // Activating or deactivating a location moves its stock into or out of every group's sums, atomically.
                    await commit.InTransactionAsync(async () =>
                    {
                        await commit.SaveAsync(200, response, null, cancellationToken);
                        var groups = await db.LocationGroupMembers.Where(m => m.LocationCode == code).Select(m => m.GroupCode).ToListAsync(cancellationToken);
                        await ledger.RecomputeGroupsAsync([LocationGroup.All, .. groups], cancellationToken);
                        return true;
                    }, cancellationToken);
            }
            catch (DbUpdateException ex) when (created && attempt == 1 && DbErrors.IsUniqueViolation(ex, "locations"))
            {
                db.ChangeTracker.Clear();
                continue;
            }
            http.Response.Headers.ETag = $"\"{location.Version}\"";
            return created ? TypedResults.Created(path, response) : TypedResults.Ok(response);
        }
    }

    /// <summary>Checks what the domain cannot be handed without (a type, a readable address) and fills in the defaults.</summary>
    private static LocationDetails ToDetails(Request request)
    {
        var errors = new FieldErrors();
        if (request.Type is null) errors.Add("type", "type is required: warehouse, store, drop_ship or virtual.");
        var address = request.Address is null ? null : Shape.Address(request.Address, "address", errors);
        errors.ThrowIfAny();
        return new LocationDetails(request.Name ?? "", request.Type!.Value, address, request.Latitude, request.Longitude,
            request.Priority ?? 0, request.Active ?? true);
    }
}
