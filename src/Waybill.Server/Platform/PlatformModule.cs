using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Platform;

/// <summary>What every module stands on: auth, problems, idempotency, outbox, audit, clock and ids, health, docs.</summary>
public static class PlatformModule
{
    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        services.AddWaybillDatabase();
        services.AddSingleton<IClock, SystemClock>();
        services.AddSingleton<IIdGenerator, TimeOrderedIds>();
        services.AddHttpContextAccessor();
        services.AddScoped<RequestCommit>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddScoped<EventOutbox>();
        services.AddScoped<AuditTrail>();
        services.AddSingleton<ApiKeyCache>();

        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddWaybillPolicies();

        services.AddExceptionHandler<ExceptionMapping>();
        services.AddProblemDetails();
        services.Configure<JsonOptions>(o => WaybillJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = RequestLimits.ImportBodyLimit);
        services.AddOpenApi();
        services.AddHostedService<StartupTasks>();
        services.AddSingleton<IdempotencyRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencyRetention>());
        return services;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Answers the routing's own refusals — no such path (404), a method the path does not take (405), a body that is
        // not JSON (415) — as problems too. A catch-all route would also catch requests whose endpoint only refused their
        // Content-Type (e.g. an action whose body may be omitted, sent with no body at all).
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (response.HasStarted || response.ContentLength > 0 || response.ContentType is not null) return;
            var problem = response.StatusCode switch
            {
                404 => Problems.NotFound(),
                405 => Problems.Create(405, "method_not_allowed", "This path does not take this method."),
                415 => Problems.Create(415, "unsupported_media_type", "The body must be JSON.", "Send the body with 'Content-Type: application/json'."),
                _ => null,
            };
            if (problem is not null) await Problems.Write(context.HttpContext, problem);
        });
        app.UseRequestLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseIdempotencyKeys();
        return app;
    }

    public static IEndpointRouteBuilder MapPlatform(this IEndpointRouteBuilder routes)
    {
        routes.MapHealth();
        routes.MapEventFeed();
        routes.MapApiKeys();
        routes.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(routes, "/docs").AllowAnonymous();
        return routes;
    }
}

/// <summary>Migrations, then the bootstrap key, before the server takes requests (hosted services start first).</summary>
internal sealed class StartupTasks(IServiceProvider services, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DatabaseSetup.MigrateAsync(services, cancellationToken);
        await BootstrapKey.EnsureAsync(services, configuration, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
