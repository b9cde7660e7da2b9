using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.LocationGroups;

/// <summary>
/// <c>PUT /api/v1/location-groups/{code}</c> <c>{ "name", "locations": ["WH1", "STORE7"] }</c>: an admin creates a group
/// (201) or replaces its name and whole membership (200). Every listed location must exist; <c>all</c> is built in
/// and answers 422 <c>location_group_built_in</c>.
/// </summary>
public static class PutLocationGroup
{
    public const string EventType = "location_group.upserted";

    public sealed record Request(string? Name, List<string?>? Locations);

    public static RouteHandlerBuilder MapPutLocationGroup(this RouteGroupBuilder groups) => groups
        .MapPut("/{code}", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("PutLocationGroup")
        .WithSummary("Create or replace a location group");

    public static async Task<Results<Created<LocationGroupResponse>, Ok<LocationGroupResponse>>> Handle(
        string code, Request request, WaybillDb db, StockLedger ledger, EventOutbox outbox, AuditTrail audit, RequestCommit commit, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        LocationGroup.RefuseBuiltIn(code);
        Codes.EnsureWellFormed(code);
        var name = request.Name ?? "";
        // A null entry is reported by the domain as a missing code, at its index.
        var locations = (request.Locations ?? []).Select(c => c ?? "").ToList();
        var known = await KnownLocationsAsync(db, locations, cancellationToken);
        var path = $"/api/v1/location-groups/{code}";

        // Two first PUTs of one code may race: the loser's insert breaks the primary key, and it replaces the winner's row.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (created, response) = await commit.InTransactionAsync(async () =>
                {
                    // Replaces of one group queue on its row: two that both add a member would otherwise both insert it.
                    if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM location_groups WHERE code = {code} FOR UPDATE", cancellationToken);
                    var group = await db.LocationGroups.Whole().FirstOrDefaultAsync(g => g.Code == code, cancellationToken);
                    IfMatch.Check(http.Request, group?.Version);
                    var created = group is null;
                    var before = group?.Locations ?? [];
                    if (group is null)
                    {
                        group = LocationGroup.Create(code, name, locations, known, clock.UtcNow);
                        db.LocationGroups.Add(group);
                    }
                    else group.Replace(name, locations, known, clock.UtcNow);

                    // The group's sums count its members' stock: those that leave take theirs out, those that join bring theirs.
                    var after = group.Locations;
                    foreach (var location in before.Union(after).Order(StringComparer.Ordinal))
                        if (before.Contains(location) != after.Contains(location))
                            await ledger.MembershipChangedAsync(group.Code, location, joined: after.Contains(location), cancellationToken);

                    var response = LocationGroupResponse.From(group);
                    outbox.Add(EventType, group.Code, response);
                    audit.Record("location_group", group.Code, created ? "create" : "replace", http.User.Actor(), null, null, null, response);
                    await commit.SaveAsync(created ? 201 : 200, response, created ? path : null, cancellationToken);
                    return (created, response);
                }, cancellationToken);
                http.Response.Headers.ETag = $"\"{response.Version}\"";
                return created ? TypedResults.Created(path, response) : TypedResults.Ok(response);
            }
            catch (DbUpdateException ex) when (attempt == 1 && DbErrors.IsUniqueViolation(ex, "location_groups"))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Which of the listed codes name a location that exists (the domain names the others).</summary>
    private static async Task<IReadOnlySet<string>> KnownLocationsAsync(WaybillDb db, List<string> locations, CancellationToken cancellationToken)
    {
        var wanted = locations.Where(Codes.IsWellFormed).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0 || locations.Count > LocationGroup.MaxLocations) return new HashSet<string>(StringComparer.Ordinal);
        var found = await db.Locations.AsNoTracking().Where(l => wanted.Contains(l.Code)).Select(l => l.Code).ToListAsync(cancellationToken);
        return found.ToHashSet(StringComparer.Ordinal);
    }
}
