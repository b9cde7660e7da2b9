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
        string code, Request request, WaybillDb db, StockLedger ledger, EventOutbox outbox, AuditTrail audit, RequestCommit commit, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        Codes.EnsureWellFormed(code);
        var details = ToDetails(request);
        var path = $"/api/v1/locations/{code}";

        // Two first PUTs of one code may race: the loser's insert breaks the primary key, and it replaces the winner's row.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (created, response) = await commit.InTransactionAsync(async () =>
                {
                    var location = await db.Locations.FirstOrDefaultAsync(l => l.Code == code, cancellationToken);
                    IfMatch.Check(http.Request, location?.Version);
                    var created = location is null;
                    if (location is null)
                    {
                        location = Location.Create(code, details, clock.UtcNow);
                        db.Locations.Add(location);
                    }
                    else
                    {
                        var wasActive = location.Active;
                        location.Replace(details, clock.UtcNow);
                        // Only active locations sell: their stock joins or leaves the sums of `all` and of their groups.
                        if (location.Active != wasActive) await ledger.ActiveChangedAsync(location.Code, location.Active, cancellationToken);
                    }

                    var response = LocationResponse.From(location);
                    outbox.Add(EventType, location.Code, response);
                    audit.Record("location", location.Code, created ? "create" : "replace", http.User.Actor(), null, null, null, response);
                    await commit.SaveAsync(created ? 201 : 200, response, created ? path : null, cancellationToken);
                    return (created, response);
                }, cancellationToken);
                http.Response.Headers.ETag = $"\"{response.Version}\"";
                return created ? TypedResults.Created(path, response) : TypedResults.Ok(response);
            }
            catch (DbUpdateException ex) when (attempt == 1 && DbErrors.IsUniqueViolation(ex, "locations"))
            {
                db.ChangeTracker.Clear();
            }
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
