using System.CommandLine;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Payments;

/// <summary>Command-line definition of <c>invoicing</c> (issue 6: ship → invoice → capture).</summary>
public static class InvoicingCommands
{
    public static Command Create()
    {
        var database = new Option<string>("--database")
        {
            Description = "Database Waybill runs on: postgres only (a fresh database on a throwaway cluster, or WAYBILL_TEST_POSTGRES); the raw-SQL limit runs on the same cluster.",
            Required = true,
        };
        database.AcceptOnlyFromAmong(CaptureOptions.Postgres);
        var orders = new Option<int>("--orders") { Description = "Orders captured and routed before the measured phase (not measured); every fulfillment order they get is shipped.", DefaultValueFactory = _ => 3000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients shipping (and concurrent raw-SQL invoicers).", DefaultValueFactory = _ => 16 };
        var runs = new Option<int>("--runs") { Description = "Repeat the whole measurement K times (fresh databases and server) and report the median of each figure.", DefaultValueFactory = _ => 1 };
        var latency = new Option<int>("--gateway-latency-ms") { Description = "Latency the mock gateway adds to every call (WAYBILL_MOCK_GATEWAY_LATENCY_MS), and the raw-SQL limit's gateway delay.", DefaultValueFactory = _ => 20 };
        var drain = new Option<int>("--paid-timeout") { Description = "Seconds after the last shipment to wait for every invoice to be paid before the rest are reported unpaid.", DefaultValueFactory = _ => 300 };
        var server = new Option<string?>("--server") { Description = "Path to waybill.dll (default: the Release build in src/Waybill.Server, built if missing)." };
        var results = new Option<string?>("--results") { Description = "JSON results file (default: bench/out/invoicing-postgres-<timestamp>.json)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the orders and the stock.", DefaultValueFactory = _ => 42 };

        foreach (var option in new[] { orders, clients, runs, drain })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1) result.AddError($"{result.Option.Name} must be at least 1.");
            });
        }
        latency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--gateway-latency-ms must not be negative.");
        });

        var command = new Command(
            "invoicing",
            "Ship → invoice → capture through the mock gateway (default flow 4): invoices captured per second and shipment-to-captured latency, next to the raw-SQL limit measured in the same run.")
        {
            database, orders, clients, runs, latency, drain, server, results, seed,
        };
        command.SetAction((parseResult, cancellationToken) => InvoicingRunner.RunAsync(
            new InvoicingOptions(
                Orders: parseResult.GetValue(orders),
                Clients: parseResult.GetValue(clients),
                Runs: parseResult.GetValue(runs),
                GatewayLatencyMs: parseResult.GetValue(latency),
                PaidTimeoutSeconds: parseResult.GetValue(drain),
                ServerDll: parseResult.GetValue(server),
                ResultsPath: parseResult.GetValue(results),
                Seed: parseResult.GetValue(seed)),
            cancellationToken));
        return command;
    }
}

/// <summary>What one <c>invoicing</c> invocation measures.</summary>
public sealed record InvoicingOptions(
    int Orders, int Clients, int Runs, int GatewayLatencyMs, int PaidTimeoutSeconds, string? ServerDll, string? ResultsPath, int Seed);
