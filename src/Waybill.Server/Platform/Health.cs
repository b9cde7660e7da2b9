using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;

namespace Waybill.Server.Platform;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the database answers and is migrated).</summary>
public static class Health
{
    public sealed record HealthStatus(string Status, string? Detail = null);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")));
        health.MapGet("/ready", async (WaybillDb db, ILogger<HealthStatus> logger, CancellationToken cancellationToken) =>
        {
            try
            {
                if (!await db.Database.CanConnectAsync(cancellationToken))
                    return Results.Json(new HealthStatus("unavailable", "The database does not answer."), WaybillJson.Options, statusCode: 503);
                var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
                return pending.Any()
                    ? Results.Json(new HealthStatus("unavailable", "Migrations are not applied yet."), WaybillJson.Options, statusCode: 503)
                    : Results.Json(new HealthStatus("ready"), WaybillJson.Options);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                // The reason goes to the log: a public endpoint must not show hosts or user names.
                logger.LogWarning(ex, "Readiness check failed");
                return Results.Json(new HealthStatus("unavailable", "The database is not reachable."), WaybillJson.Options, statusCode: 503);
            }
        });
        return routes;
    }
}
