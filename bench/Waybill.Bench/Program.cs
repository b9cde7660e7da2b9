using System.CommandLine;
using Waybill.Bench.Capture;
using Waybill.Bench.Changes;
using Waybill.Bench.Inventory;
using Waybill.Bench.Import;
using Waybill.Bench.Payments;
using Waybill.Bench.Routing;

// Command-line parsing only; the work is in Capture/, Inventory/, Import/, Routing/, Payments/ and Changes/.

var database = new Option<string>("--database")
{
    Description = "Database Waybill runs on: sqlite (a fresh file) or postgres (a fresh database; raw-SQL baseline included).",
    Required = true,
};
database.AcceptOnlyFromAmong(CaptureOptions.Sqlite, CaptureOptions.Postgres);

var clients = new Option<int>("--clients") { Description = "Concurrent clients (closed loop: each waits for its answer).", DefaultValueFactory = _ => 32 };
var duration = new Option<int>("--duration") { Description = "Measured seconds.", DefaultValueFactory = _ => 30 };
var warmup = new Option<int>("--warmup") { Description = "Warmup seconds before the measured window (not counted).", DefaultValueFactory = _ => 5 };
var runs = new Option<int>("--runs") { Description = "Repeat the whole measurement K times and report the median of each figure.", DefaultValueFactory = _ => 1 };
var server = new Option<string?>("--server") { Description = "Path to waybill.dll (default: the Release build in src/Waybill.Server, built if missing)." };
var results = new Option<string?>("--results") { Description = "JSON results file (default: bench/out/capture-<database>-<timestamp>.json)." };
var target = new Option<CaptureTarget>("--target")
{
    Description = "What to measure: both (default), waybill, or raw (the raw-SQL baseline alone, postgres only).",
    DefaultValueFactory = _ => CaptureTarget.Both,
};
var seed = new Option<int>("--seed") { Description = "Seed of the generated order mix.", DefaultValueFactory = _ => 42 };

foreach (var option in new[] { clients, duration, runs })
{
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{result.Option.Name} must be at least 1.");
        }
    });
}

warmup.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 0)
    {
        result.AddError("--warmup must not be negative.");
    }
});

var flows = new Option<bool>("--flows")
{
    Description = "Run the default flows as in production (fraud check, then approve or hold every order) and measure how the automation keeps up: decisions/s, created→decided latency, backlog. Off: capture alone.",
};
var capture = new Command("capture", "Order capture throughput of Waybill, next to the raw-SQL limit measured in the same run.")
{
    database, clients, duration, warmup, runs, server, results, target, seed, flows,
};
capture.SetAction((parseResult, cancellationToken) => CaptureCommand.RunAsync(
    new CaptureOptions(
        Database: parseResult.GetRequiredValue(database),
        Clients: parseResult.GetValue(clients),
        DurationSeconds: parseResult.GetValue(duration),
        WarmupSeconds: parseResult.GetValue(warmup),
        Runs: parseResult.GetValue(runs),
        ServerDll: parseResult.GetValue(server),
        ResultsPath: parseResult.GetValue(results),
        Target: parseResult.GetValue(target),
        Seed: parseResult.GetValue(seed),
        Flows: parseResult.GetValue(flows)),
    cancellationToken));

var importDatabase = new Option<string>("--database")
{
    Description = "Database Waybill runs on: sqlite (a fresh file) or postgres (a fresh database).",
    Required = true,
};
importDatabase.AcceptOnlyFromAmong(CaptureOptions.Sqlite, CaptureOptions.Postgres);
var records = new Option<int>("--records") { Description = "Records in the generated NDJSON file.", DefaultValueFactory = _ => 1_000_000 };
var locations = new Option<int>("--locations") { Description = "Locations the records spread over (SKUs per location = records / locations).", DefaultValueFactory = _ => 1_000 };
var importRuns = new Option<int>("--runs") { Description = "Repeat with a fresh database and server K times and report the median of each figure.", DefaultValueFactory = _ => 1 };
var batchSize = new Option<int?>("--batch-size") { Description = "Lines per transaction on the server (Inventory:ImportBatchSize; default: the server's)." };
var importServer = new Option<string?>("--server") { Description = "Path to waybill.dll (default: the Release build in src/Waybill.Server, built if missing)." };
var importResults = new Option<string?>("--results") { Description = "JSON results file (default: bench/out/import-<database>-<timestamp>.json)." };
var keepFile = new Option<bool>("--keep-file") { Description = "Keep the generated file (its path is printed)." };
foreach (var option in new[] { records, locations, importRuns })
{
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{result.Option.Name} must be at least 1.");
        }
    });
}

var import = new Command("import", "Stock import throughput: one large NDJSON file through POST /api/v1/inventory/imports, timed to completed.")
{
    importDatabase, records, locations, importRuns, batchSize, importServer, importResults, keepFile,
};
import.SetAction((parseResult, cancellationToken) => ImportCommand.RunAsync(
    new ImportOptions(
        Database: parseResult.GetRequiredValue(importDatabase),
        Records: parseResult.GetValue(records),
        Locations: parseResult.GetValue(locations),
        Runs: parseResult.GetValue(importRuns),
        BatchSize: parseResult.GetValue(batchSize),
        ServerDll: parseResult.GetValue(importServer),
        ResultsPath: parseResult.GetValue(importResults),
        KeepFile: parseResult.GetValue(keepFile)),
    cancellationToken));

var root = new RootCommand("Waybill benchmarks.") { capture, import };
foreach (var inventory in InventoryCommands.Create())
{
    root.Subcommands.Add(inventory);
}
foreach (var routing in RoutingCommands.Create())
{
    root.Subcommands.Add(routing);
}
root.Subcommands.Add(InvoicingCommands.Create());
root.Subcommands.Add(ChangesCommands.Create());

return await root.Parse(args).InvokeAsync();
