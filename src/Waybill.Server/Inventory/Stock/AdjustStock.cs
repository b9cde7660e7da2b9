using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// <c>POST /api/v1/inventory/{location}/{sku}/adjust</c> <c>{ "delta": -3, "reason": "cycle_count" }</c>: a relative
/// change of on hand (found, damaged, counted), recorded in the history with its reason. On hand never goes below zero.
/// </summary>
public static partial class AdjustStock
{
    public sealed record Request(long? Delta, string? Reason);

    public static RouteHandlerBuilder MapAdjustStock(this RouteGroupBuilder inventory) => inventory
        .MapPost("/{location}/{sku}/adjust", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("AdjustStock")
        .WithSummary("Add to or take from a SKU's on-hand stock at a location");

    public static async Task<Ok<StockResponse>> Handle(
        string location, string sku, Request request, WaybillDb db, KnownInventory known, StockLedger ledger, RequestCommit commit, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Delta is null or 0) errors.Add("delta", "delta is required and not zero.");
        else if (Math.Abs(request.Delta.Value) > InventoryRules.MaxQuantity) errors.Add("delta", $"delta is at most {InventoryRules.MaxQuantity} either way.");
        if (string.IsNullOrWhiteSpace(request.Reason)) errors.Add("reason", "reason is required (e.g. cycle_count, damaged, found).");
        else if (!ReasonShape().IsMatch(request.Reason)) errors.Add("reason", "reason is a short code: letters, digits and _, at most 64.");
        errors.ThrowIfAny();
        await StockPaths.CheckAsync(db, known, location, sku, cancellationToken);

        var response = await commit.InTransactionAsync(async () =>
        {
            var change = await ledger.AdjustAsync(location, sku, request.Delta!.Value, cancellationToken)
                ?? throw new DomainValidationException(new Dictionary<string, string[]>
                {
                    ["delta"] = [$"On hand of {sku} at {location} would fall below zero."],
                });
            audit.Record("stock_level", StockPaths.EntityId(location, sku), "stock_adjusted", http.User.Actor(), null, null, request.Reason,
                new { delta = request.Delta, onHand = new { from = change.Before.OnHand, to = change.After.OnHand } });
            var stock = await ledger.ReadAsync(location, sku, cancellationToken);
            await commit.SaveAsync(200, stock, null, cancellationToken);
            return stock;
        }, cancellationToken);
        return TypedResults.Ok(response);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex ReasonShape();
}
