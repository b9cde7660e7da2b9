using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Imports;
using Waybill.Server.Tests.Infrastructure;

using static Waybill.Server.Tests.Inventory.StockImports;

namespace Waybill.Server.Tests.Inventory;

/// <summary>
/// Stock imports as jobs (api.md "Inventory"): 202 at once, applied by the worker in batches, polled until done. The
/// figures are checked where stores read them — availability at the location, at a custom group and at <c>all</c> — so a
/// group sum that does not follow its members shows.
/// </summary>
public abstract class ImportTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task A_delta_ndjson_import_sets_stock_at_its_locations_and_every_group_follows()
    {
        var (north, south) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(north, south);
        var (sku, other) = (MasterData.NewCode("IMP"), MasterData.NewCode("IMP"));
        await _admin.PutStock(north, sku, onHand: 5);
        await _admin.PutStock(south, other, onHand: 9);
        var run = MasterData.NewCode("R");

        var import = await ImportAndWait(Lines(
            Record($"{run}-1", north, sku, 20, safetyStock: 2, futures: [(3, "2026-12-01T00:00:00Z")]),
            Record($"{run}-2", south, sku, 7),
            Record($"{run}-3", south, other, 4, safetyStock: 1)));

        Assert.Equal("completed", import["status"].Str());
        Assert.Equal("delta", import["mode"].Str());
        Assert.Equal(3, import["recordsTotal"]!.GetValue<long>());
        Assert.Equal(3, import["recordsApplied"]!.GetValue<long>());
        Assert.Equal(0, import["recordsAlreadyApplied"]!.GetValue<long>());
        Assert.Equal(0, import["errorCount"]!.GetValue<long>());
        Assert.Empty(import["errors"]!.AsArray());
        Assert.Null(import["failureReason"]);
        Assert.NotNull(import["startedAt"]);
        Assert.NotNull(import["finishedAt"]);

        await ExpectFigures(sku, location: north, onHand: 20, safetyStock: 2, ato: 21);
        await ExpectFigures(sku, location: south, onHand: 7, safetyStock: 0, ato: 7);
        await ExpectFigures(other, location: south, onHand: 4, safetyStock: 1, ato: 3);
        foreach (var g in new[] { group, "all" })
        {
            await ExpectFigures(sku, group: g, onHand: 27, safetyStock: 2, ato: 28);
            await ExpectFigures(other, group: g, onHand: 4, safetyStock: 1, ato: 3);
        }
        var futures = (await _admin.AvailabilityRow(sku, location: north))["futures"]!.AsArray();
        Assert.Equal(3, futures.Single()!["quantity"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_csv_import_adds_the_futures_of_rows_for_the_same_sku_even_across_a_batch_boundary()
    {
        var (north, filler) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(north);
        var (sku, split) = (MasterData.NewCode("ATO"), MasterData.NewCode("ATO"));
        var run = MasterData.NewCode("C");
        var csv = new StringBuilder("recordId,location,sku,onHand,safetyStock,futureQuantity,futureExpectedAt\n");
        csv.Append($"{run}-a1,{north},{sku},10,1,5,2026-12-01T00:00:00Z\n");
        csv.Append($"{run}-a2,{north},{sku},10,1,7,2026-12-15T00:00:00Z\n");
        // Lines 4 … 5002 fill the first batch (5,000 lines); the SKU below has one row in it and one in the next.
        for (var i = 0; i < 4997; i++) csv.Append($"{run}-f{i},{filler},{run}-F{i},1,,,\n");
        csv.Append($"{run}-b1,{north},{split},4,0,2,2026-12-01T00:00:00Z\n");
        csv.Append($"{run}-b2,{north},{split},6,0,3,2026-12-20T00:00:00Z\n");

        var import = await ImportAndWait(csv.ToString(), contentType: Csv);

        Assert.Equal("completed", import["status"].Str());
        Assert.Equal(5001, import["recordsApplied"]!.GetValue<long>());
        // The later row wins for on hand and safety stock; the futures add up: 10 − 1 + 5 + 7.
        await ExpectFigures(sku, location: north, onHand: 10, safetyStock: 1, ato: 21);
        await ExpectFigures(sku, group: group, onHand: 10, safetyStock: 1, ato: 21);
        await ExpectFigures(sku, group: "all", onHand: 10, safetyStock: 1, ato: 21);
        await ExpectFigures(split, location: north, onHand: 6, safetyStock: 0, ato: 11);
        await ExpectFigures(split, group: group, onHand: 6, safetyStock: 0, ato: 11);
        await ExpectFigures(split, group: "all", onHand: 6, safetyStock: 0, ato: 11);
        Assert.Equal(2, (await _admin.AvailabilityRow(split, location: north))["futures"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_full_import_zeroes_the_unmentioned_skus_of_the_locations_it_lists_and_leaves_other_locations_alone()
    {
        var (listed, untouched) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(listed, untouched);
        var (kept, dropped) = (MasterData.NewCode("KEEP"), MasterData.NewCode("DROP"));
        var run = MasterData.NewCode("F");
        await ImportAndWait(Lines(
            Record($"{run}-0", listed, dropped, 8, safetyStock: 1, futures: [(4, "2026-12-01T00:00:00Z")]),
            Record($"{run}-1", untouched, dropped, 6)));
        await _admin.PutStock(listed, kept, onHand: 10);
        await _admin.PutStock(untouched, kept, onHand: 3);

        var import = await ImportAndWait(Lines(Record($"{run}-2", listed, kept, 12)), mode: "full");

        Assert.Equal("completed", import["status"].Str());
        Assert.Equal("full", import["mode"].Str());
        await ExpectFigures(kept, location: listed, onHand: 12, safetyStock: 0, ato: 12);
        // Not in the file: nothing on hand, nothing coming; its safety stock is the location's setting and stays.
        await ExpectFigures(dropped, location: listed, onHand: 0, safetyStock: 1, ato: -1);
        Assert.Empty((await _admin.AvailabilityRow(dropped, location: listed))["futures"]!.AsArray());
        await ExpectFigures(dropped, location: untouched, onHand: 6, safetyStock: 0, ato: 6);
        await ExpectFigures(kept, location: untouched, onHand: 3, safetyStock: 0, ato: 3);
        foreach (var g in new[] { group, "all" })
        {
            await ExpectFigures(kept, group: g, onHand: 15, safetyStock: 0, ato: 15);
            await ExpectFigures(dropped, group: g, onHand: 6, safetyStock: 1, ato: 5);
        }
    }

    [Fact]
    public async Task Sending_the_same_file_again_changes_nothing_even_after_stock_moved_in_between()
    {
        var location = await _admin.PutLocation();
        var (a, b) = (MasterData.NewCode("SAME"), MasterData.NewCode("SAME"));
        var run = MasterData.NewCode("S");
        var file = Lines(Record($"{run}-1", location, a, 10), Record($"{run}-2", location, b, 4, futures: [(2, "2026-12-01T00:00:00Z")]));
        await ImportAndWait(file, mode: "full");
        await (await _admin.PostJson($"/api/v1/inventory/{location}/{a}/adjust", new JsonObject { ["delta"] = -3, ["reason"] = "damaged" }))
            .Expect(HttpStatusCode.OK);
        var newer = MasterData.NewCode("NEW");
        await _admin.PutStock(location, newer, onHand: 5);

        var again = await ImportAndWait(file, mode: "full");

        Assert.Equal("completed", again["status"].Str());
        Assert.Equal(2, again["recordsTotal"]!.GetValue<long>());
        Assert.Equal(0, again["recordsApplied"]!.GetValue<long>());
        Assert.Equal(2, again["recordsAlreadyApplied"]!.GetValue<long>());
        await ExpectFigures(a, location: location, onHand: 7, safetyStock: 0, ato: 7);
        await ExpectFigures(b, location: location, onHand: 4, safetyStock: 0, ato: 6);
        // A stale full file sent again does not wipe what was counted since.
        await ExpectFigures(newer, location: location, onHand: 5, safetyStock: 0, ato: 5);
        await ExpectFigures(a, group: "all", onHand: 7, safetyStock: 0, ato: 7);
    }

    [Fact]
    public async Task Bad_lines_are_reported_with_their_line_numbers_while_the_good_ones_apply()
    {
        var location = await _admin.PutLocation();
        var (good, later) = (MasterData.NewCode("GOOD"), MasterData.NewCode("GOOD"));
        var run = MasterData.NewCode("B");
        var body = string.Join('\n',
            Record($"{run}-1", location, good, 5),
            "{ not json",
            $$"""{"recordId":"{{run}}-3","location":"{{location}}","sku":"{{good}}","onHand":-4}""",
            "",
            Record($"{run}-5", location, later, 6),
            Record($"{run}-6", "NO-SUCH-PLACE", later, 6)) + "\n";

        var import = await ImportAndWait(body);

        Assert.Equal("completed", import["status"].Str());
        Assert.Equal(5, import["recordsTotal"]!.GetValue<long>());
        Assert.Equal(2, import["recordsApplied"]!.GetValue<long>());
        Assert.Equal(3, import["errorCount"]!.GetValue<long>());
        var errors = import["errors"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal([2, 3, 6], errors.Select(e => e["line"]!.GetValue<int>()));
        Assert.Null(errors[0]["recordId"]);
        Assert.Equal($"{run}-3", errors[1]["recordId"].Str());
        Assert.Contains("onHand", errors[1]["message"].Str(), StringComparison.Ordinal);
        Assert.Equal($"{run}-6", errors[2]["recordId"].Str());
        Assert.Contains("NO-SUCH-PLACE", errors[2]["message"].Str(), StringComparison.Ordinal);
        await ExpectFigures(good, location: location, onHand: 5, safetyStock: 0, ato: 5);
        await ExpectFigures(later, location: location, onHand: 6, safetyStock: 0, ato: 6);
        await ExpectFigures(later, group: "all", onHand: 6, safetyStock: 0, ato: 6);
    }

    [Fact]
    public async Task A_csv_file_without_a_required_column_fails_and_applies_nothing()
    {
        var location = await _admin.PutLocation();
        var sku = MasterData.NewCode("NOCOL");
        await _admin.PutStock(location, sku, onHand: 3);
        var run = MasterData.NewCode("N");

        var import = await ImportAndWait($"recordId,location,sku,safetyStock\n{run}-1,{location},{sku},1\n", contentType: Csv);

        Assert.Equal("failed", import["status"].Str());
        Assert.Contains("onHand", import["failureReason"].Str(), StringComparison.Ordinal);
        Assert.Equal(0, import["recordsApplied"]!.GetValue<long>());
        Assert.NotNull(import["finishedAt"]);
        await ExpectFigures(sku, location: location, onHand: 3, safetyStock: 0, ato: 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?mode=partial")]
    [InlineData("?mode=FULL")]
    public async Task Mode_is_required_and_is_full_or_delta(string query)
    {
        var response = await Post("/api/v1/inventory/imports" + query, "", Ndjson);
        await response.ExpectFieldError("mode");
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_body_that_is_not_ndjson_or_csv_is_a_415(string? contentType)
    {
        var response = await Post("/api/v1/inventory/imports?mode=delta", "{}\n", contentType);
        var problem = await response.ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("text/csv", problem["detail"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_admin_keys_import_and_every_reading_key_reads_an_import()
    {
        var anonymous = server.Client(key: null);
        await (await anonymous.PostAsync("/api/v1/inventory/imports?mode=delta", Content("", Ndjson))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.PostAsync("/api/v1/inventory/imports?mode=delta", Content("", Ndjson))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostAsync("/api/v1/inventory/imports?mode=delta", Content("", Ndjson))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var import = await ImportAndWait("");
        await (await anonymous.GetAsync(ImportPath(import))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await storefront.GetAsync(ImportPath(import))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        // api.md "Auth": a viewer reads every GET but api keys.
        var read = await viewer.GetAsync(ImportPath(import));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await (await _admin.GetAsync("/api/v1/inventory/imports/no-such-import")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_body_announced_at_two_gigabytes_is_a_413_answered_from_its_length()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/inventory/imports?mode=delta") { Content = new StreamContent(Stream.Null) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Ndjson);
        request.Content.Headers.ContentLength = 2L * 1024 * 1024 * 1024;
        var response = await _admin.SendAsync(request);
        await response.ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task An_empty_ndjson_file_completes_with_nothing_applied_and_the_answer_is_a_202_with_location()
    {
        var response = await Post("/api/v1/inventory/imports?mode=delta", "", Ndjson);
        var accepted = await response.Expect(HttpStatusCode.Accepted);
        Assert.Equal("queued", accepted["status"].Str());
        Assert.Equal(ImportPath(accepted), response.Headers.Location?.ToString());
        foreach (var field in new[] { "id", "status", "mode", "recordsTotal", "recordsApplied", "recordsAlreadyApplied", "errorCount", "errors", "failureReason", "createdAt", "startedAt", "finishedAt", "version" })
            Assert.True(accepted.ContainsKey(field), $"The answer lacks {field}: {accepted.ToJsonString()}");
        var done = await WaitFor(accepted);
        Assert.Equal("completed", done["status"].Str());
        Assert.Equal(0, done["recordsTotal"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_refuses_another_body()
    {
        var location = await _admin.PutLocation();
        var sku = MasterData.NewCode("IDEM");
        var run = MasterData.NewCode("K");
        var key = Guid.NewGuid().ToString();
        var body = Lines(Record($"{run}-1", location, sku, 5));

        var first = await (await Post("/api/v1/inventory/imports?mode=delta", body, Ndjson, key)).Expect(HttpStatusCode.Accepted);
        var replay = await Post("/api/v1/inventory/imports?mode=delta", body, Ndjson, key);
        Assert.Equal(first["id"].Str(), (await replay.Expect(HttpStatusCode.Accepted))["id"].Str());
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        await (await Post("/api/v1/inventory/imports?mode=delta", Lines(Record($"{run}-2", location, sku, 6)), Ndjson, key))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        Assert.Equal("completed", (await WaitFor(first))["status"].Str());
        await ExpectFigures(sku, location: location, onHand: 5, safetyStock: 0, ato: 5);
    }

    [Fact]
    public async Task A_large_import_shows_its_progress_while_it_runs()
    {
        const int records = 200_000;
        // GeneratedStockBody writes locations WH0 and WH1 and recordIds r0 … r199999: no other test uses them.
        await _admin.PutLocation("WH0");
        await _admin.PutLocation("WH1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/inventory/imports?mode=delta")
        {
            Content = new StreamContent(new GeneratedStockBody(records, StockFileFormat.Ndjson)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Ndjson);
        var accepted = await (await _admin.SendAsync(request)).Expect(HttpStatusCode.Accepted);

        var seenInBetween = false;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonObject import;
        while (true)
        {
            import = await (await _admin.GetAsync(ImportPath(accepted))).Expect(HttpStatusCode.OK);
            var applied = import["recordsApplied"]!.GetValue<long>();
            if (import["status"].Str() == "running" && applied is > 0 and < records) seenInBetween = true;
            if (import["status"].Str() is "completed" or "failed") break;
            Assert.True(DateTime.UtcNow < deadline, $"The import did not finish: {import.ToJsonString()}");
            await Task.Delay(10);
        }

        Assert.Equal("completed", import["status"].Str());
        Assert.True(seenInBetween, "No poll saw recordsApplied between 0 and the total while the import ran.");
        Assert.Equal(records, import["recordsTotal"]!.GetValue<long>());
        Assert.Equal(records, import["recordsApplied"]!.GetValue<long>());
        // Line i: SKU-i at WH(i / 100,000), on hand i % 1000, safety stock 2, a future of 5 on every tenth line.
        await ExpectFigures("SKU-123450", location: "WH1", onHand: 450, safetyStock: 2, ato: 453);
        await ExpectFigures("SKU-123450", group: "all", onHand: 450, safetyStock: 2, ato: 453);
        await ExpectFigures("SKU-99999", location: "WH0", onHand: 999, safetyStock: 2, ato: 997);
    }

    [Fact]
    public async Task Group_sums_stay_equal_to_their_members_while_reservations_race_an_import_of_the_same_skus()
    {
        var (north, south) = (await _admin.PutLocation(), await _admin.PutLocation());
        var group = await _admin.PutGroup(north, south);
        var skus = Enumerable.Range(0, 12).Select(_ => MasterData.NewCode("RACE")).ToArray();
        foreach (var sku in skus)
        {
            await _admin.PutStock(north, sku, onHand: 500);
            await _admin.PutStock(south, sku, onHand: 500);
        }
        var run = MasterData.NewCode("Q");
        var held = new ConcurrentDictionary<string, JsonObject>();
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 6).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            while (!stop.IsCancellationRequested)
            {
                if (held.Count > 20 && held.Keys.FirstOrDefault() is { } id && held.TryRemove(id, out _))
                {
                    await (await _admin.PostJson($"/api/v1/inventory/reservations/{id}/release", null)).Expect(HttpStatusCode.OK);
                    continue;
                }
                // Two lines, at locations or the group, so a reservation holds rows the import is changing.
                var lines = new JsonArray();
                foreach (var sku in skus.OrderBy(_ => random.Next()).Take(2))
                {
                    var place = random.Next(3);
                    lines.Add(new JsonObject
                    {
                        ["sku"] = sku, ["quantity"] = random.Next(1, 4),
                        [place == 2 ? "group" : "location"] = place switch { 0 => north, 1 => south, _ => group },
                    });
                }
                var response = await _admin.PostJson("/api/v1/inventory/reservations", new JsonObject { ["lines"] = lines });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var reservation = await response.Json();
                    held[reservation["id"].Str()] = reservation;
                }
                else await response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "insufficient_inventory");
            }
        })).ToList();

        try
        {
            var random = new Random(7);
            for (var round = 0; round < 8; round++)
            {
                var lines = skus.SelectMany(sku => new[]
                {
                    Record($"{run}-{round}-n-{sku}", north, sku, random.Next(0, 600), safetyStock: random.Next(0, 3)),
                    Record($"{run}-{round}-s-{sku}", south, sku, random.Next(0, 600), futures: [(random.Next(1, 9), "2026-12-01T00:00:00Z")]),
                });
                var import = await ImportAndWait(Lines([.. lines]));
                Assert.True(import["status"].Str() == "completed", import.ToJsonString());
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        var expectedReserved = new Dictionary<(string Place, string Sku), long>();
        foreach (var reservation in held.Values)
            foreach (var line in reservation["lines"]!.AsArray())
            {
                var place = line!["location"]?.GetValue<string>() ?? line["group"].Str();
                var key = (place, line["sku"].Str());
                expectedReserved[key] = expectedReserved.GetValueOrDefault(key) + line["quantity"]!.GetValue<long>();
            }
        foreach (var sku in skus)
        {
            var atNorth = await _admin.AvailabilityRow(sku, location: north);
            var atSouth = await _admin.AvailabilityRow(sku, location: south);
            Assert.Equal(expectedReserved.GetValueOrDefault((north, sku)), atNorth["reserved"]!.GetValue<long>());
            Assert.Equal(expectedReserved.GetValueOrDefault((south, sku)), atSouth["reserved"]!.GetValue<long>());
            foreach (var g in new[] { group, "all" })
            {
                var atGroup = await _admin.AvailabilityRow(sku, group: g);
                var what = $"{sku} at {g}: {atGroup.ToJsonString()} vs {atNorth.ToJsonString()} + {atSouth.ToJsonString()}";
                Assert.True(Sum("onHand") == atGroup["onHand"]!.GetValue<long>(), what);
                Assert.True(Sum("safetyStock") == atGroup["safetyStock"]!.GetValue<long>(), what);
                Assert.True(Sum("availableToOrder") - Sum("availableToFulfill") == atGroup["availableToOrder"]!.GetValue<long>() - atGroup["availableToFulfill"]!.GetValue<long>(), what);
                // A reservation held at the group counts at the group and in `all` (decision 0009).
                var groupHeld = expectedReserved.GetValueOrDefault((group, sku));
                Assert.True(Sum("reserved") + groupHeld == atGroup["reserved"]!.GetValue<long>(), what);
            }

            long Sum(string field) => atNorth[field]!.GetValue<long>() + atSouth[field]!.GetValue<long>();
        }
    }

    [Fact]
    public async Task An_import_whose_node_stopped_is_failed_and_its_file_deleted_while_another_nodes_running_import_is_left_alone()
    {
        var queue = server.Services.GetRequiredService<ImportQueue>();
        var node = server.Services.GetRequiredService<ImportNode>();
        var longAgo = DateTimeOffset.UtcNow - 10 * node.HeartbeatInterval;
        // One left by a node that stopped (its last heartbeat long ago; its file happens to be on this machine), one that
        // another node is running right now (heartbeat fresh).
        var (abandoned, alive) = ("gone-" + Guid.NewGuid().ToString("N"), "alive-" + Guid.NewGuid().ToString("N"));
        var file = queue.FileFor(abandoned, StockFileFormat.Ndjson);
        await File.WriteAllTextAsync(file, "{}\n");
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var left = StockImport.Queue(abandoned, ImportMode.Delta, "test", "stopped-node", longAgo);
            left.Start(longAgo);
            var running = StockImport.Queue(alive, ImportMode.Delta, "test", "other-node", DateTimeOffset.UtcNow);
            running.Start(DateTimeOffset.UtcNow);
            db.StockImports.AddRange(left, running);
            await db.SaveChangesAsync();
        }

        // What every node's worker does at start and after each heartbeat.
        await server.Services.GetServices<IHostedService>().OfType<ImportWorker>().Single().FailAbandonedAsync(CancellationToken.None);

        var failed = await (await _admin.GetAsync($"/api/v1/inventory/imports/{abandoned}")).Expect(HttpStatusCode.OK);
        Assert.Equal("failed", failed["status"].Str());
        Assert.Contains("stopped before it finished", failed["failureReason"].Str(), StringComparison.Ordinal);
        Assert.NotNull(failed["finishedAt"]);
        Assert.False(File.Exists(file));
        var untouched = await (await _admin.GetAsync($"/api/v1/inventory/imports/{alive}")).Expect(HttpStatusCode.OK);
        Assert.Equal("running", untouched["status"].Str());
    }

    private Task<HttpResponseMessage> Post(string path, string body, string? contentType, string? idempotencyKey = null) =>
        _admin.PostImport(path, body, contentType, idempotencyKey);

    private Task<JsonObject> ImportAndWait(string body, string mode = "delta", string contentType = Ndjson) => _admin.ImportAndWait(body, mode, contentType);

    private Task<JsonObject> WaitFor(JsonObject accepted) => _admin.WaitForImport(accepted);

    private async Task ExpectFigures(string sku, string? location = null, string? group = null, long onHand = 0, long safetyStock = 0, long ato = 0)
    {
        var row = await _admin.AvailabilityRow(sku, location, group);
        Assert.True(
            row["onHand"]!.GetValue<long>() == onHand && row["safetyStock"]!.GetValue<long>() == safetyStock && row["availableToOrder"]!.GetValue<long>() == ato,
            $"{sku} at {location ?? group}: expected onHand {onHand}, safetyStock {safetyStock}, ATO {ato}; got {row.ToJsonString()}");
    }
}

public sealed class ImportOnSqlite(SqliteServer server) : ImportTests(server), IClassFixture<SqliteServer>;

public sealed class ImportOnPostgres(PostgresServer server) : ImportTests(server), IClassFixture<PostgresServer>
{
    private readonly HttpClient _admin = server.Client();

    /// <summary>
    /// A batch waits for a row another transaction holds (a reservation, the announcer clearing its mark) and only then
    /// changes it. The file's figures must land on the version that transaction committed — a statement whose snapshot
    /// predates that commit cannot see the new version, and updated nothing (the row kept its old on hand).
    /// </summary>
    [Fact]
    public async Task A_row_changed_by_another_transaction_while_the_batch_waits_for_it_still_gets_the_files_figures()
    {
        var location = await _admin.PutLocation();
        var sku = MasterData.NewCode("WAIT");
        await _admin.PutStock(location, sku, onHand: 5);

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        await using var other = await db.Database.BeginTransactionAsync();
        // A new version of the row, figures unchanged, held until the import is waiting for it.
        await db.Database.ExecuteSqlAsync($"UPDATE stock_levels SET updated_at = updated_at WHERE location_code = {location} AND sku = {sku}");
        var accepted = await (await _admin.PostImport("/api/v1/inventory/imports?mode=delta",
            StockImports.Lines(StockImports.Record(MasterData.NewCode("R"), location, sku, 42)), StockImports.Ndjson)).Expect(HttpStatusCode.Accepted);
        var waiting = DateTime.UtcNow.AddSeconds(30);
        while (!await BatchIsWaitingForARowLockAsync(db) && DateTime.UtcNow < waiting) await Task.Delay(20);
        await other.CommitAsync();

        var import = await _admin.WaitForImport(accepted);
        Assert.True(import["status"].Str() == "completed" && import["recordsApplied"]!.GetValue<int>() == 1, import.ToJsonString());
        var row = await _admin.AvailabilityRow(sku, location: location);
        Assert.True(row["onHand"]!.GetValue<long>() == 42, row.ToJsonString());
        foreach (var g in new[] { "all" })
            Assert.Equal(42, (await _admin.AvailabilityRow(sku, group: g))["onHand"]!.GetValue<long>());
    }

    private static async Task<bool> BatchIsWaitingForARowLockAsync(WaybillDb db) =>
        await db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()) AS \"Value\"").SingleAsync();
}
