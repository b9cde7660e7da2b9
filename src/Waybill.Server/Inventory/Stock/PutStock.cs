using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// <c>PUT /api/v1/inventory/{location}/{sku}</c> <c>{ "onHand", "safetyStock"? }</c>: the counted stock of a SKU at a
/// location. 201 when it is the SKU's first stock there, else 200. Reservations are untouched: if on hand falls under
/// what they hold, ATF goes negative and shows it.
/// </summary>
public static class PutStock
{
    public sealed record Request(long? OnHand, long? SafetyStock);

    public static RouteHandlerBuilder MapPutStock(this RouteGroupBuilder inventory) => inventory
        .MapPut("/{location}/{sku}", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("PutStock")
        .WithSummary("Set a SKU's on-hand and safety stock at a location");

    public static async Task<Results<Created<StockResponse>, Ok<StockResponse>>> Handle(
        string location, string sku, Request request, WaybillDb db, KnownInventory known, StockLedger ledger, RequestCommit commit, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.OnHand is null) errors.Add("onHand", "onHand is required.");
        else if (request.OnHand is < 0 or > InventoryRules.MaxQuantity) errors.Add("onHand", $"onHand is a whole number from 0 to {InventoryRules.MaxQuantity}.");
        if (request.SafetyStock is < 0 or > InventoryRules.MaxQuantity) errors.Add("safetyStock", $"safetyStock is a whole number from 0 to {InventoryRules.MaxQuantity}.");
        errors.ThrowIfAny();
        await StockPaths.CheckAsync(db, known, location, sku, cancellationToken);

        var (created, response) = await commit.InTransactionAsync(async () =>
        {
            var existed = await ledger.ExistsAsync(location, sku, cancellationToken);
            var (before, after) = await ledger.SetAsync(location, sku, request.OnHand, request.SafetyStock ?? (existed ? null : 0), null, cancellationToken);
            audit.Record("stock_level", StockPaths.EntityId(location, sku), "stock_set", http.User.Actor(), null, null, null,
                new { onHand = new { from = before.OnHand, to = after.OnHand }, safetyStock = new { from = before.SafetyStock, to = after.SafetyStock } });
            var stock = await ledger.ReadAsync(location, sku, cancellationToken);
            await commit.SaveAsync(existed ? 200 : 201, stock, null, cancellationToken);
            return (!existed, stock);
        }, cancellationToken);
        return created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }
}
