using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>
/// <c>POST /api/v1/inventory/reservations</c>: hold stock for a cart or an order, all lines or none (unless
/// <c>allowPartial</c>). The same <c>reservationKey</c> again answers the existing reservation (200).
/// </summary>
public static class CreateReservation
{
    public sealed record Request(string? ReservationKey, int? ExpiresInSeconds, bool? AllowPartial, List<ReservationLineInput?>? Lines);

    public static RouteHandlerBuilder MapCreateReservation(this RouteGroupBuilder inventory) => inventory
        .MapPost("/reservations", Handle)
        .RequireAuthorization(Policies.Reserve)
        .WithName("CreateReservation")
        .WithSummary("Reserve stock at locations or location groups");

    public static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>>> Handle(
        Request request, WaybillDb db, StockLedger ledger, RequestCommit commit, AuditTrail audit, IIdGenerator ids, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var key = request.ReservationKey?.Trim();
        if (key is { Length: 0 or > 200 }) errors.Add("reservationKey", "reservationKey is 1 to 200 characters.");
        if (request.ExpiresInSeconds is <= 0 or > InventoryRules.MaxExpiresInSeconds)
            errors.Add("expiresInSeconds", $"expiresInSeconds is between 1 and {InventoryRules.MaxExpiresInSeconds}.");
        var lines = ReservationLines.Parse(request.Lines, "lines", errors, required: true);
        for (var i = 0; i < lines.Count; i++)
            if (lines.FindIndex(l => l.Sku == lines[i].Sku && l.Target == lines[i].Target) < i)
                errors.Add($"lines[{i}]", $"{lines[i].Sku} at {lines[i].Target} is named twice; give it once with the whole quantity.");
        errors.ThrowIfAny();
        await ReservationLines.CheckKnownAsync(db, lines, "lines", cancellationToken);

        if (key is not null && await FindAsync(db, key, cancellationToken) is { } existing) return TypedResults.Ok(existing);
        var partial = request.AllowPartial ?? false;
        try
        {
            var response = await commit.InTransactionAsync(async () =>
            {
                var now = clock.UtcNow;
                var held = new List<HeldStock>();
                var shortLines = new List<ShortLine>();
                // In SKU order, so two reservations of the same SKUs lock their rows in the same order.
                foreach (var (line, index) in lines.Select((l, i) => (l, i)).OrderBy(x => x.l.Sku, StringComparer.Ordinal).ThenBy(x => x.l.Target.Code, StringComparer.Ordinal))
                {
                    var got = await ledger.ReserveAsync(line.Sku, line.Target, line.Quantity, partial, cancellationToken);
                    if (got > 0) held.Add(line with { Quantity = got });
                    if (got < line.Quantity)
                        shortLines.Add(new ShortLine(index, line.Sku,
                            line.Target.Kind == TargetKind.Location ? line.Target.Code : null,
                            line.Target.Kind == TargetKind.Group ? line.Target.Code : null,
                            line.Quantity, got + Math.Max(0, await ledger.AvailableAsync(line.Sku, line.Target, cancellationToken))));
                }
                shortLines.Sort((a, b) => a.Line.CompareTo(b.Line));
                if (shortLines.Count > 0 && (!partial || held.Count == 0)) throw ReservationLines.Insufficient(shortLines);

                var expiresAt = request.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null;
                var reservation = Reservation.Open(ids.NewId(), key, held, expiresAt, null, now);
                db.Reservations.Add(reservation);
                audit.Record("reservation", reservation.Id, "reserved", http.User.Actor(), null, "active", null,
                    new { lines = held.Select(h => new { h.Sku, at = h.Target.ToString(), h.Quantity }) });
                var created = ReservationResponse.From(reservation, shortLines);
                await commit.SaveAsync(201, created, Location(reservation.Id), cancellationToken);
                return created;
            }, cancellationToken);
            return TypedResults.Created(Location(response.Id), response);
        }
        catch (DbUpdateException ex) when (key is not null && DbErrors.IsUniqueViolation(ex, "reservation"))
        {
            // The same key was being reserved at the same time and won: its reservation is the answer; this one held nothing.
            db.ChangeTracker.Clear();
            return TypedResults.Ok((await FindAsync(db, key, cancellationToken))!);
        }
    }

    private static string Location(string id) => $"/api/v1/inventory/reservations/{id}";

    private static async Task<ReservationResponse?> FindAsync(WaybillDb db, string key, CancellationToken cancellationToken)
    {
        var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
        return reservation is null ? null : ReservationResponse.From(reservation);
    }
}
