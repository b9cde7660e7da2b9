using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// <c>GET /api/v1/inventory/availability?skus=A,B&amp;locations=WH1,WH2&amp;groups=WEB</c>: the figures of every requested
/// SKU at every requested location and group — a row for each pair, all zeros where there is no stock.
/// </summary>
public static class GetAvailability
{
    public const int MaxSkus = 100;
    public const int MaxPlaces = 100;

    public sealed record Response(IReadOnlyList<StockResponse> Items);

    public static RouteHandlerBuilder MapGetAvailability(this RouteGroupBuilder inventory) => inventory
        .MapGet("/availability", Handle)
        .RequireAuthorization(Policies.ReadAvailability)
        .WithName("GetAvailability")
        .WithSummary("Stock figures (ATF, ATO) of SKUs at locations and groups");

    public static async Task<Ok<Response>> Handle(string? skus, string? locations, string? groups, WaybillDb db, KnownInventory known, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var skuList = Split(skus);
        var locationList = Split(locations);
        var groupList = Split(groups);
        if (skuList.Count == 0) errors.Add("skus", "skus is required: a comma-separated list of SKUs.");
        else if (skuList.Count > MaxSkus) errors.Add("skus", $"At most {MaxSkus} SKUs a call.");
        if (locationList.Count + groupList.Count == 0) errors.Add("locations", "Name at least one location or group.");
        else if (locationList.Count + groupList.Count > MaxPlaces) errors.Add("locations", $"At most {MaxPlaces} locations and groups a call.");
        foreach (var sku in skuList.Where(s => s.Length > 100)) errors.Add("skus", $"'{sku[..20]}…' is longer than 100 characters.");
        errors.ThrowIfAny();
        await CheckPlacesAsync(db, known, locationList, groupList, cancellationToken);

        var items = new List<StockResponse>(skuList.Count * (locationList.Count + groupList.Count));
        if (locationList.Count > 0)
        {
            // Up to 10,000 rows a call: the figures, and a row's futures (JSON) only where it has some.
            var rows = await db.StockLevels.AsNoTracking()
                .Where(s => skuList.Contains(s.Sku) && locationList.Contains(s.LocationCode))
                .Select(s => new LocationFigures(s.LocationCode, s.Sku, s.OnHand, s.Reserved, s.SafetyStock, s.FutureQuantity, s.FutureQuantity > 0 ? s.Futures : null))
                .ToDictionaryAsync(s => (s.LocationCode, s.Sku), cancellationToken);
            foreach (var location in locationList)
                foreach (var sku in skuList)
                {
                    rows.TryGetValue((location, sku), out var row);
                    items.Add(StockResponse.At(StockTarget.Location(location), sku, row?.Figures ?? default, row?.Futures ?? []));
                }
        }
        if (groupList.Count > 0)
        {
            var rows = await db.GroupStock.AsNoTracking()
                .Where(s => skuList.Contains(s.Sku) && groupList.Contains(s.GroupCode))
                .ToDictionaryAsync(s => (s.GroupCode, s.Sku), cancellationToken);
            var futures = await GroupFuturesAsync(db, rows.Values.Where(r => r.FutureQuantity > 0).ToList(), cancellationToken);
            foreach (var group in groupList)
                foreach (var sku in skuList)
                {
                    rows.TryGetValue((group, sku), out var row);
                    items.Add(StockResponse.At(StockTarget.Group(group), sku, row?.Figures ?? default, futures.GetValueOrDefault((group, sku)) ?? []));
                }
        }
        return TypedResults.Ok(new Response(items));
    }

    private static List<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    private static async Task CheckPlacesAsync(WaybillDb db, KnownInventory known, List<string> locations, List<string> groups, CancellationToken cancellationToken)
    {
        var missing = await known.MissingAsync(db, [.. locations.Select(StockTarget.Location), .. groups.Select(StockTarget.Group)], cancellationToken);
        if (missing.Count == 0) return;
        var errors = new FieldErrors();
        foreach (var location in locations.Where(l => missing.Contains(StockTarget.Location(l))))
            errors.Add("locations", $"There is no location {location}.");
        foreach (var group in groups.Where(g => missing.Contains(StockTarget.Group(g))))
            errors.Add("groups", $"There is no location group {group}.");
        errors.ThrowIfAny();
    }

    /// <summary>A location's stock row as the answer needs it; <see cref="Futures"/> is null when it has none.</summary>
    private sealed record LocationFigures(string LocationCode, string Sku, long OnHand, long Reserved, long SafetyStock, long FutureQuantity, List<StockFuture>? Futures)
    {
        public StockFigures Figures => new(OnHand, Reserved, SafetyStock, FutureQuantity);
    }

    /// <summary>A group's futures are its active locations' futures, summed per expected date.</summary>
    private static async Task<Dictionary<(string, string), List<StockFuture>>> GroupFuturesAsync(WaybillDb db, List<GroupStock> withFutures, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, string), List<StockFuture>>();
        foreach (var group in withFutures)
        {
            var members = group.GroupCode == LocationGroup.All
                ? db.StockLevels.FromSql($"SELECT s.* FROM stock_levels s JOIN locations l ON l.code = s.location_code WHERE l.active AND s.sku = {group.Sku} AND s.future_quantity > 0")
                : db.StockLevels.FromSql($"SELECT s.* FROM stock_levels s JOIN location_group_members m ON m.location_code = s.location_code JOIN locations l ON l.code = s.location_code WHERE m.group_code = {group.GroupCode} AND l.active AND s.sku = {group.Sku} AND s.future_quantity > 0");
            var rows = await members.AsNoTracking().ToListAsync(cancellationToken);
            result[(group.GroupCode, group.Sku)] = rows.SelectMany(r => r.Futures)
                .GroupBy(f => f.ExpectedAt).OrderBy(g => g.Key)
                .Select(g => new StockFuture(g.Sum(f => f.Quantity), g.Key)).ToList();
        }
        return result;
    }
}
