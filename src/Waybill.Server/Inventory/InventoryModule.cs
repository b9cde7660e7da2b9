using Waybill.Server.Inventory.LocationGroups;
using Waybill.Server.Inventory.Locations;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory;

/// <summary>The Inventory module's face: its services and its routes — so far the master data, locations and location groups.</summary>
public static class InventoryModule
{
    public static IServiceCollection AddInventory(this IServiceCollection services) => services;

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
        return routes;
    }
}
