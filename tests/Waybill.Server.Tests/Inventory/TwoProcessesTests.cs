using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Testing;

namespace Waybill.Server.Tests.Inventory;

/// <summary>
/// Two Waybill processes on one PostgreSQL database, hammering the same SKU: each process decides its own batches, and
/// only the database's row locks and conditional updates stand between them and an oversell.
/// </summary>
public sealed class TwoProcessesTests
{
    private const string Key = "wb_two_processes_secret";

    [Fact]
    public async Task Two_waybill_processes_reserving_the_same_sku_never_oversell()
    {
        await using var cluster = await ThrowawayPostgres.StartAsync();
        var database = await cluster.CreateDatabaseAsync("waybill_two_processes_" + Environment.ProcessId);
        // Migrated once up front, so the two starts do not race to create the schema.
        await RunToEndAsync("migrate", "--database", database);
        await using var first = await WaybillProcess.StartAsync(database);
        await using var second = await WaybillProcess.StartAsync(database);

        var location = await first.Client.PutLocation();
        var sku = MasterData.NewCode("TWO");
        await first.Client.PutStock(location, sku, onHand: 100);

        var created = 0;
        // Half the clients reserve at the location, half at the group `all` holding it: both must stay within the 100.
        await Parallel.ForEachAsync(Enumerable.Range(0, 48), new ParallelOptions { MaxDegreeOfParallelism = 48 }, async (client, _) =>
        {
            var http = client % 2 == 0 ? first.Client : second.Client;
            var line = new JsonObject { ["sku"] = sku, ["quantity"] = 1 };
            line[client % 4 < 2 ? "location" : "group"] = client % 4 < 2 ? location : "all";
            while (true)
            {
                var response = await http.PostJson("/api/v1/inventory/reservations", new JsonObject { ["lines"] = new JsonArray(line.DeepClone()) });
                if (response.StatusCode == HttpStatusCode.Created) { Interlocked.Increment(ref created); continue; }
                await response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "insufficient_inventory");
                return;
            }
        });

        Assert.Equal(100, created);
        foreach (var process in new[] { first, second })
        {
            var atLocation = await process.Client.AvailabilityRow(sku, location: location);
            var atAll = await process.Client.AvailabilityRow(sku, group: "all");
            Assert.True(atLocation["availableToFulfill"]!.GetValue<long>() >= 0, atLocation.ToJsonString());
            Assert.Equal(0, atAll["availableToFulfill"]!.GetValue<long>());
            Assert.Equal(100, atAll["reserved"]!.GetValue<long>());
        }
    }

    private static async Task RunToEndAsync(params string[] args)
    {
        var outcome = await WaybillCommand.RunAsync(args);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
    }

    /// <summary>
    /// A Waybill server in its own process on 127.0.0.1. It runs under coreutils' <c>timeout</c>, so it stops by itself
    /// even if this test process dies before disposing it.
    /// </summary>
    private sealed class WaybillProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private WaybillProcess(Process process, HttpClient client)
        {
            _process = process;
            Client = client;
        }

        public HttpClient Client { get; }

        public static async Task<WaybillProcess> StartAsync(string database)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("timeout") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "300", "dotnet", typeof(Program).Assembly.Location, "--urls", $"http://127.0.0.1:{port}", "--database", database })
                start.ArgumentList.Add(arg);
            start.Environment["WAYBILL_BOOTSTRAP_API_KEY"] = Key;
            var process = Process.Start(start)!;
            // Drained so a chatty server never blocks on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var started = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode) return new WaybillProcess(process, client);
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (process.HasExited || started.Elapsed > TimeSpan.FromSeconds(60))
                    throw new InvalidOperationException($"Waybill did not start on port {port} (exited: {process.HasExited}).");
                await Task.Delay(200);
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
