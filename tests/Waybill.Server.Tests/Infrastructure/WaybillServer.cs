using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Waybill.Testing;

namespace Waybill.Server.Tests.Infrastructure;

/// <summary>
/// A real Waybill host (the whole pipeline, in memory over TestServer) on a real database: a fresh SQLite file or a
/// fresh database on a throwaway PostgreSQL cluster. One per test class.
/// </summary>
public abstract class WaybillServer : IAsyncLifetime
{
    public const string AdminKey = "wb_test_admin_secret";
    private WebApplicationFactory<Program>? _factory;

    public abstract string Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    /// <summary>The server's database (a SQLite path or a PostgreSQL connection string), for a second process on it.</summary>
    public string Database { get; private set; } = "";

    /// <summary>Settings and services a test class's host needs beyond the defaults (test job handlers, event consumers).</summary>
    protected virtual void ConfigureHost(IWebHostBuilder web) { }

    public async Task InitializeAsync()
    {
        var database = Database = await CreateDatabaseAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("database", database);
            web.UseSetting("WAYBILL_BOOTSTRAP_API_KEY", AdminKey);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            // The default flows would approve every captured order behind a test's back; flow tests switch them on.
            web.UseSetting("Flows:Enabled", "false");
            ConfigureHost(web);
        });
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        await DisposeHostOnlyAsync();
        await DropDatabaseAsync();
    }

    /// <summary>Stops the host and keeps the database (a crash test then starts another host on it).</summary>
    public async Task DisposeHostOnlyAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        _factory = null;
    }

    public IServiceProvider Services => _factory!.Services;

    /// <summary>A client with the given key (the bootstrap admin key by default), or none.</summary>
    public HttpClient Client(string? key = AdminKey)
    {
        var client = _factory!.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Issues a key with this role through the API and returns a client that uses it.</summary>
    public async Task<HttpClient> ClientWithRole(string role, params string[] locations)
    {
        var response = await Client().PostAsJsonAsync("/api/v1/api-keys", new { name = $"{role} key", role, locations });
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return Client(body["secret"]!.GetValue<string>());
    }
}

public class SqliteServer : WaybillServer
{
    private readonly string _folder = Directory.CreateTempSubdirectory("waybill-test-").FullName;

    public override string Provider => "sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(_folder, "waybill.db"));

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public class PostgresServer : WaybillServer
{
    private static readonly Lazy<Task<ThrowawayPostgres>> Cluster = new(() => ThrowawayPostgres.StartAsync());
    private static int _databases;

    public override string Provider => "postgres";

    protected override async Task<string> CreateDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        return await cluster.CreateDatabaseAsync($"waybill_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}");
    }
}
