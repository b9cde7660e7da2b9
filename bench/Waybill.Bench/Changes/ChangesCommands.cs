using System.CommandLine;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Changes;

/// <summary>Command-line definition of <c>changes</c> (issue 8: preview and submit a partial cancel).</summary>
public static class ChangesCommands
{
    public static Command Create()
    {
        var database = new Option<string>("--database")
        {
            Description = "Database Waybill runs on: sqlite (a fresh file) or postgres (a fresh database; raw-SQL limit included, on the same cluster).",
            Required = true,
        };
        database.AcceptOnlyFromAmong(CaptureOptions.Sqlite, CaptureOptions.Postgres);
        var largeLines = new Option<int>("--large-lines") { Description = "Lines of a large order (captured in parts of 500 and joined in the database).", DefaultValueFactory = _ => 2000 };
        var largeOrders = new Option<int>("--large-orders") { Description = "Large orders canceled per run (measured; a tenth more warm up).", DefaultValueFactory = _ => 20 };
        var smallOrders = new Option<int>("--small-orders") { Description = "3-line orders canceled per run (measured; a tenth more warm up).", DefaultValueFactory = _ => 200 };
        var iterations = new Option<int>("--iterations") { Description = "Timed iterations of the in-process computation for a large order (ten times as many for a small one).", DefaultValueFactory = _ => 200 };
        var runs = new Option<int>("--runs") { Description = "Repeat the whole measurement K times (fresh databases and server) and report the median of each figure.", DefaultValueFactory = _ => 1 };
        var server = new Option<string?>("--server") { Description = "Path to waybill.dll (default: the Release build in src/Waybill.Server, built if missing)." };
        var results = new Option<string?>("--results") { Description = "JSON results file (default: bench/out/changes-<database>-<timestamp>.json)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the orders.", DefaultValueFactory = _ => 42 };
        foreach (var option in new[] { largeOrders, smallOrders, iterations, runs })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1) result.AddError($"{result.Option.Name} must be at least 1.");
            });
        }
        largeLines.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 10 or > 10_000) result.AddError("--large-lines must be between 10 and 10,000.");
        });

        var command = new Command(
            "changes",
            "Preview and submit a partial cancel on large and 3-line orders: HTTP p50/p99, the computation in process against the rest, and the raw-SQL limit in the same run.")
        {
            database, largeLines, largeOrders, smallOrders, iterations, runs, server, results, seed,
        };
        command.SetAction((parseResult, cancellationToken) => ChangesRunner.RunAsync(
            new ChangesOptions(
                Database: parseResult.GetRequiredValue(database),
                LargeLines: parseResult.GetValue(largeLines),
                LargeOrders: parseResult.GetValue(largeOrders),
                SmallOrders: parseResult.GetValue(smallOrders),
                Iterations: parseResult.GetValue(iterations),
                Runs: parseResult.GetValue(runs),
                ServerDll: parseResult.GetValue(server),
                ResultsPath: parseResult.GetValue(results),
                Seed: parseResult.GetValue(seed)),
            cancellationToken));
        return command;
    }
}
