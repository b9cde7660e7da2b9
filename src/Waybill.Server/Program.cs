using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Channels;
using Waybill.Server.Data;
using Waybill.Server.Inventory;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

// `waybill migrate` applies the migrations and exits; anything else runs the server.
var migrateOnly = args.FirstOrDefault() == "migrate";
// Configuration is read once: a file watcher on the working folder would otherwise wake on every write to waybill.db.
string[] hostArgs = [.. migrateOnly ? args[1..] : args, "--hostBuilder:reloadConfigOnChange=false"];
var builder = WebApplication.CreateBuilder(hostArgs);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

// Quiet defaults wherever the process starts (appsettings.json and Logging__ settings still override them).
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

builder.Services.AddPlatform();
builder.Services.AddOrders();
builder.Services.AddInventory(builder.Configuration);
builder.Services.AddChannels();
builder.Services.AddProcessExceptions();

var app = builder.Build();

if (migrateOnly)
{
    await DatabaseSetup.MigrateAsync(app.Services, CancellationToken.None);
    Console.WriteLine($"Migrations applied ({DatabaseSettings.From(app.Configuration).Provider}).");
    return;
}

app.UsePlatform();
app.MapPlatform();
app.MapOrders();
app.MapInventory();
app.MapChannels();
app.MapProcessExceptions();

app.Run();

/// <summary>The entry point, visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
