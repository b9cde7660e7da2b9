using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>A line of a reservation request: a SKU and a quantity at a location or a group.</summary>
public sealed record ReservationLineInput(string? Sku, int? Quantity, string? Location, string? Group);

/// <summary>Shape checks and look-ups shared by the reservation use cases.</summary>
public static class ReservationLines
{
    public const int MaxLines = 200;

    /// <summary>Checks each line's shape and turns it into held stock; names every bad field.</summary>
    public static List<HeldStock> Parse(IReadOnlyList<ReservationLineInput?>? lines, string path, FieldErrors errors, bool required)
    {
        var result = new List<HeldStock>();
        if (lines is null || lines.Count == 0)
        {
            if (required) errors.Add(path, $"{path} needs at least one line.");
            return result;
        }
        if (lines.Count > MaxLines) { errors.Add(path, $"At most {MaxLines} lines a request."); return result; }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var at = $"{path}[{i}]";
            if (line is null) { errors.Add(at, "A line cannot be null."); continue; }
            var sku = Sku(line.Sku, $"{at}.sku", errors);
            var quantity = Quantity(line.Quantity, $"{at}.quantity", errors);
            var target = Target(line.Location, line.Group, at, errors);
            if (target is not null) result.Add(new HeldStock(sku, target.Value, quantity));
        }
        return result;
    }

    public static string Sku(string? sku, string path, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(sku)) errors.Add(path, "sku is required.");
        else if (sku.Length > 100) errors.Add(path, "sku is at most 100 characters.");
        return sku?.Trim() ?? "";
    }

    public static int Quantity(int? quantity, string path, FieldErrors errors)
    {
        if (quantity is null) errors.Add(path, "quantity is required.");
        else if (quantity <= 0) errors.Add(path, "quantity must be above zero.");
        else if (quantity > InventoryRules.MaxQuantity) errors.Add(path, $"quantity is at most {InventoryRules.MaxQuantity}.");
        return quantity ?? 0;
    }

    private static StockTarget? Target(string? location, string? group, string path, FieldErrors errors)
    {
        var hasLocation = !string.IsNullOrWhiteSpace(location);
        var hasGroup = !string.IsNullOrWhiteSpace(group);
        if (hasLocation == hasGroup)
        {
            errors.Add($"{path}.location", "Name either a location or a group, not both.");
            return null;
        }
        return hasLocation ? StockTarget.Location(location!.Trim()) : StockTarget.Group(group!.Trim());
    }

    /// <summary>
    /// Every location and group named must exist, and every SKU must have stock somewhere (Waybill has no catalog: a SKU it
    /// has never had stock of is unknown). Each miss is named by its field. What this node has seen exist is not asked again.
    /// </summary>
    public static async Task CheckKnownAsync(WaybillDb db, KnownInventory known, IReadOnlyList<HeldStock> lines, string path, CancellationToken cancellationToken)
    {
        var missingTargets = await known.MissingAsync(db, lines.Select(l => l.Target), cancellationToken);
        var unknownSkus = await known.UnknownSkusAsync(db, lines.Select(l => l.Sku), cancellationToken);
        if (missingTargets.Count == 0 && unknownSkus.Count == 0) return;
        var errors = new FieldErrors();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (missingTargets.Contains(line.Target))
                errors.Add($"{path}[{i}].{(line.Target.Kind == TargetKind.Location ? "location" : "group")}", $"There is no {line.Target}.");
            if (unknownSkus.Contains(line.Sku)) errors.Add($"{path}[{i}].sku", $"SKU '{line.Sku}' is unknown: no location has ever had stock of it.");
        }
        errors.ThrowIfAny();
    }

    /// <summary>Loads a reservation with its lines, locked on PostgreSQL so actions on one reservation queue, not conflict.</summary>
    public static async Task<Reservation> LoadForChangeAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM reservations WHERE id = {id} FOR UPDATE", cancellationToken);
        return await db.Reservations.Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("reservation", id));
    }

    public static ProblemException Insufficient(IReadOnlyList<ShortLine> shortLines)
    {
        var problem = Problems.Create(422, "insufficient_inventory", "Not enough stock.",
            "Nothing was reserved. Short: " + string.Join("; ", shortLines.Select(s =>
                $"lines[{s.Line}] {s.Sku} at {(s.Location is not null ? "location " + s.Location : "group " + s.Group)}: {s.Requested} asked, {Math.Max(0, s.Available)} available")) + ".");
        problem.Extensions["shortLines"] = shortLines;
        return new ProblemException(problem);
    }
}
