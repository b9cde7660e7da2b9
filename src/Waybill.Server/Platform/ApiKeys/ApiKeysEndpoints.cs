using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Data;

namespace Waybill.Server.Platform.ApiKeys;

/// <summary>
/// <c>POST/GET /api/v1/api-keys</c>, <c>DELETE /api/v1/api-keys/{id}</c>: admins issue and revoke keys.
/// The secret is shown once, in the answer to the POST; only its hash is stored.
/// </summary>
public static class ApiKeysEndpoints
{
    public sealed record IssueRequest(string? Name, Role? Role, List<string>? Locations);

    public sealed record KeyResponse(string Id, string Name, Role Role, IReadOnlyList<string> Locations, DateTimeOffset CreatedAt);

    public sealed record IssuedKeyResponse(string Id, string Name, Role Role, IReadOnlyList<string> Locations, DateTimeOffset CreatedAt, string? Secret);

    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(Policies.Admin).WithStandardProblems();
        keys.MapPost("/", Issue).WithName("IssueApiKey");
        keys.MapGet("/", List).WithName("ListApiKeys");
        keys.MapDelete("/{id}", Revoke).WithName("RevokeApiKey");
        return routes;
    }

    public static async Task<Created<IssuedKeyResponse>> Issue(
        IssueRequest request, WaybillDb db, RequestCommit commit, AuditTrail audit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Name)) errors.Add("name", "name is required.");
        else if (request.Name.Length > 100) errors.Add("name", "name is at most 100 characters.");
        if (request.Role is null) errors.Add("role", "role is required: admin, agent, storefront, fulfillment, finance or viewer.");
        var locations = request.Locations ?? [];
        if (request.Role == Role.Fulfillment && locations.Count == 0) errors.Add("locations", "A fulfillment key names the locations it works for.");
        if (locations.Any(string.IsNullOrWhiteSpace)) errors.Add("locations", "Location codes cannot be empty.");
        errors.ThrowIfAny();

        var secret = ApiKey.NewSecret();
        var key = ApiKey.Issue(ids.NewId(), request.Name!.Trim(), request.Role!.Value, locations, secret, clock.UtcNow);
        db.ApiKeys.Add(key);
        audit.Record("api_key", key.Id, "issue", http.User.Actor(), null, null, null, new { key.Name, role = StatusNames.Of(key.Role) });
        var response = new IssuedKeyResponse(key.Id, key.Name, key.Role, key.Locations, key.CreatedAt, secret);
        var location = $"/api/v1/api-keys/{key.Id}";
        // Only a hash of the secret is ever stored: a replay with the same Idempotency-Key answers without it.
        await commit.SaveAsync(201, response with { Secret = null }, location, cancellationToken);
        return TypedResults.Created(location, response);
    }

    public static async Task<Ok<Page<KeyResponse>>> List(WaybillDb db, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.ApiKeys.AsNoTracking();
        if (page.After is not null) query = query.Where(k => string.Compare(k.Id, page.After) > 0);
        var keys = await query.OrderBy(k => k.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(keys, k => k.Id, k => new KeyResponse(k.Id, k.Name, k.Role, k.Locations, k.CreatedAt)));
    }

    public static async Task<NoContent> Revoke(string id, WaybillDb db, ApiKeyCache cache, AuditTrail audit, HttpContext http, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("api key", id));
        db.ApiKeys.Remove(key);
        audit.Record("api_key", key.Id, "revoke", http.User.Actor(), null, null, null);
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(id);
        return TypedResults.NoContent();
    }
}
