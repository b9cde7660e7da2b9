using Waybill.Server.Inventory.Imports;
using Waybill.Server.Inventory.LocationGroups;
using Waybill.Server.Inventory.Locations;
using Waybill.Server.Inventory.Reservations;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory;

/// <summary>The Inventory module's face: locations and groups, stock, availability, reservations and stock imports.</summary>
public static class InventoryModule
{
    public static IServiceCollection AddInventory(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InventoryOptions>(configuration.GetSection("Inventory"));
        services.AddScoped<StockLedger>();
        services.AddSingleton<KnownInventory>();
        services.AddScoped<ReservationActions>();
        services.AddSingleton<ReservationBatches>();
        services.AddHostedService(sp => sp.GetRequiredService<ReservationBatches>());
        services.AddHostedService<ReservationExpiry>();
        services.AddHostedService<AvailabilityAnnouncer>();
        services.AddSingleton<ImportQueue>();
        services.AddSingleton<ImportNode>();
        services.AddScoped<StockImportRun>();
        services.AddHostedService<ImportWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder routes)
    {
        var locations = routes.MapGroup("/api/v1/locations").WithTags("Locations").WithStandardProblems();
        locations.MapPutLocation();
        locations.MapListLocations();
        locations.MapGetLocation();

        var groups = routes.MapGroup("/api/v1/location-groups").WithTags("Location groups").WithStandardProblems();
        groups.MapPutLocationGroup();
        groups.MapListLocationGroups();
        groups.MapGetLocationGroup();

        var inventory = routes.MapGroup("/api/v1/inventory").WithTags("Inventory").WithStandardProblems();
        inventory.MapGetAvailability();
        inventory.MapCreateReservation();
        inventory.MapGetReservation();
        inventory.MapReleaseReservation();
        inventory.MapTransferReservation();
        inventory.MapFulfillReservation();
        inventory.MapPutStock();
        inventory.MapAdjustStock();
        inventory.MapStartImport();
        inventory.MapGetImport();
        return routes;
    }
}

/// <summary>Settings of the inventory workers (section <c>Inventory</c>).</summary>
public sealed class InventoryOptions
{
    /// <summary>How often expired reservations are looked for and released.</summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How often changed stock is announced (<c>inventory.availability_changed</c>, coalesced per SKU and location).</summary>
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary><c>inventory.low_stock</c> fires when a location's ATF of a SKU falls below this.</summary>
    public long LowStockThreshold { get; set; } = 5;
    /// <summary>Where import bodies wait on disk until their import has run (default: <c>waybill-imports</c> in the temp folder).</summary>
    public string? ImportFolder { get; set; }
    /// <summary>Lines of an import file applied per transaction: the step in which its counts move.</summary>
    public int ImportBatchSize { get; set; } = 5000;
    /// <summary>
    /// How often a node says its unfinished imports are alive. One not heard of for three of these is failed as interrupted
    /// by whichever node notices (its node stopped; the file went with it).
    /// </summary>
    public TimeSpan ImportHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(20);
}
