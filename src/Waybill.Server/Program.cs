using Waybill.Server.Automation.Flows;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Channels;
using Waybill.Server.Data;
using Waybill.Server.Fulfillment;
using Waybill.Server.Inventory;
using Waybill.Server.Inventory.Imports;
using Waybill.Server.Orders;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Payments;
using Waybill.Server.Platform;
using Waybill.Server.Returns;
using Waybill.Server.Routing;
using Waybill.Server.Webhooks;

// `waybill migrate` applies the migrations and exits; `waybill import <file> --mode …` applies a stock file and exits;
// anything else runs the server.
var migrateOnly = args.FirstOrDefault() == "migrate";
ImportFromCommandLine.Arguments? import = null;
var commandArgs = migrateOnly ? args[1..] : args;
if (args.FirstOrDefault() == ImportFromCommandLine.Name)
{
    (import, commandArgs, var error) = ImportFromCommandLine.Parse(args[1..]);
    if (import is null)
    {
        Console.Error.WriteLine($"waybill import: {error}{Environment.NewLine}{ImportFromCommandLine.Usage}");
        return 2;
    }
}
// Configuration is read once: a file watcher on the working folder would otherwise wake on every write to waybill.db.
string[] hostArgs = [.. commandArgs, "--hostBuilder:reloadConfigOnChange=false"];
var builder = WebApplication.CreateBuilder(hostArgs);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

// Quiet defaults wherever the process starts (appsettings.json and Logging__ settings still override them).
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

builder.Services.AddPlatform();
builder.Services.AddOrders();
builder.Services.AddInventory(builder.Configuration);
builder.Services.AddOrderRouting(builder.Configuration);
builder.Services.AddChannels();
builder.Services.AddFulfillment();
builder.Services.AddProcessExceptions();
builder.Services.AddWebhooks();
builder.Services.AddPaymentGateways(builder.Configuration);
builder.Services.AddPayments(builder.Configuration);
builder.Services.AddReturns();
builder.Services.AddFlows(builder.Configuration);

var app = builder.Build();

if (migrateOnly)
{
    await DatabaseSetup.MigrateAsync(app.Services, CancellationToken.None);
    Console.WriteLine($"Migrations applied ({DatabaseSettings.From(app.Configuration).Provider}).");
    return 0;
}
if (import is not null)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    return await ImportFromCommandLine.RunAsync(app.Services, import, stop.Token);
}

app.UsePlatform();
app.MapPlatform();
app.MapOrders();
app.MapInventory();
app.MapOrderRouting();
app.MapChannels();
app.MapFulfillment();
app.MapProcessExceptions();
app.MapWebhooks();
app.MapPaymentGateways();
app.MapPayments();
app.MapReturns();
app.MapFlows();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
