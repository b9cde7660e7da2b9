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
        services.AddBackgroundWork();
        return services;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseRoutingProblems();
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

/// <summary>Durable jobs and event dispatch (decisions 0010, 0011): started after the migrations.</summary>
internal static class BackgroundWork
{
    public static IServiceCollection AddBackgroundWork(this IServiceCollection services)
    {
        services.AddSingleton<WorkSignals>();
        services.AddSingleton<NodeIdentity>();
        services.AddScoped<CommitNotices>();
        services.AddOptions<Jobs.JobOptions>().BindConfiguration("Jobs");
        services.AddOptions<Dispatch.DispatchOptions>().BindConfiguration("Dispatch");
        services.AddScoped<Jobs.JobScheduler>();
        services.AddSingleton<Jobs.JobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Jobs.JobWorker>());
        services.AddSingleton<Dispatch.EventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Dispatch.EventDispatcher>());
        return services;
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
