using System.CommandLine;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>Command-line definitions of <c>reserve-hot</c>, <c>reserve-spread</c> and <c>availability</c> (issue 3).</summary>
public static class InventoryCommands
{
    public static IEnumerable<Command> Create() =>
    [
        Build(
            InventoryOptions.ReserveHot,
            "Reservations of one hot SKU at one location, next to the raw-SQL limit (one transaction per reservation on the same row) measured in the same run.",
            defaultClients: 64, defaultSkus: 1, defaultLocations: 1, hasTarget: true, hasShape: false),
        Build(
            InventoryOptions.ReserveSpread,
            "Reservations of a random SKU (of --skus) at a random location (of --locations).",
            defaultClients: 64, defaultSkus: 10_000, defaultLocations: 3, hasTarget: false, hasShape: true),
        Build(
            InventoryOptions.Availability,
            "GET availability of --skus SKUs at --locations locations (100 x 100 = 10,000 rows an answer).",
            defaultClients: 16, defaultSkus: 100, defaultLocations: 100, hasTarget: false, hasShape: true),
    ];

    private static Command Build(string name, string description, int defaultClients, int defaultSkus, int defaultLocations, bool hasTarget, bool hasShape)
    {
        var database = new Option<string>("--database")
        {
            Description = "Database Waybill runs on: sqlite (a fresh file) or postgres (a fresh database on a throwaway cluster, or WAYBILL_TEST_POSTGRES).",
            Required = true,
        };
        database.AcceptOnlyFromAmong(CaptureOptions.Sqlite, CaptureOptions.Postgres);
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (closed loop: each waits for its answer).", DefaultValueFactory = _ => defaultClients };
        var duration = new Option<int>("--duration") { Description = "Measured seconds.", DefaultValueFactory = _ => 30 };
        var warmup = new Option<int>("--warmup") { Description = "Warmup seconds before the measured window (not counted).", DefaultValueFactory = _ => 5 };
        var runs = new Option<int>("--runs") { Description = "Repeat the whole measurement K times and report the median of each figure.", DefaultValueFactory = _ => 1 };
        var server = new Option<string?>("--server") { Description = "Path to waybill.dll (default: the Release build in src/Waybill.Server, built if missing)." };
        var results = new Option<string?>("--results") { Description = $"JSON results file (default: bench/out/{name}-<database>-<timestamp>.json)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random requests.", DefaultValueFactory = _ => 42 };
        var target = new Option<CaptureTarget>("--target")
        {
            Description = "What to measure: both (default), waybill, or raw (the raw-SQL baseline alone, postgres only).",
            DefaultValueFactory = _ => CaptureTarget.Both,
        };
        var skus = new Option<int>("--skus") { Description = "SKUs seeded (and asked for).", DefaultValueFactory = _ => defaultSkus };
        var locations = new Option<int>("--locations") { Description = "Locations seeded (and asked for).", DefaultValueFactory = _ => defaultLocations };

        foreach (var option in new[] { clients, duration, runs, skus, locations })
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

        if (name == InventoryOptions.Availability)
        {
            // The server answers at most 100 SKUs x 100 places a call.
            foreach (var option in new[] { skus, locations })
            {
                option.Validators.Add(result =>
                {
                    if (result.GetValueOrDefault<int>() > 100)
                    {
                        result.AddError($"{result.Option.Name} is at most 100 (the most one availability call may ask).");
                    }
                });
            }
        }

        var command = new Command(name, description) { database, clients, duration, warmup, runs, server, results, seed };
        if (hasTarget)
        {
            command.Options.Add(target);
        }

        if (hasShape)
        {
            command.Options.Add(skus);
            command.Options.Add(locations);
        }

        command.SetAction((parseResult, cancellationToken) => InventoryRunner.RunAsync(
            new InventoryOptions(
                Command: name,
                Database: parseResult.GetRequiredValue(database),
                Clients: parseResult.GetValue(clients),
                DurationSeconds: parseResult.GetValue(duration),
                WarmupSeconds: parseResult.GetValue(warmup),
                Runs: parseResult.GetValue(runs),
                ServerDll: parseResult.GetValue(server),
                ResultsPath: parseResult.GetValue(results),
                Target: hasTarget ? parseResult.GetValue(target) : CaptureTarget.Waybill,
                Seed: parseResult.GetValue(seed),
                Skus: hasShape ? parseResult.GetValue(skus) : defaultSkus,
                Locations: hasShape ? parseResult.GetValue(locations) : defaultLocations),
            cancellationToken));
        return command;
    }
}
