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
        Request request, WaybillDb db, KnownInventory known, ReservationBatches batches, HttpContext http, CancellationToken cancellationToken)
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
        await ReservationLines.CheckKnownAsync(db, known, lines, "lines", cancellationToken);

        if (key is not null && await FindAsync(db, key, cancellationToken) is { } existing) return TypedResults.Ok(existing);
        var ask = new ReservationAsk(key, lines, request.AllowPartial ?? false, request.ExpiresInSeconds, http.User.Actor(), http.Features.Get<PendingIdempotency>());
        switch (await batches.SubmitAsync(ask, cancellationToken))
        {
            case ReservationDecision.Created created:
                return TypedResults.Created(PathOf(created.Reservation.Id), created.Reservation);
            case ReservationDecision.Short shortOf:
                throw ReservationLines.Insufficient(shortOf.Lines);
            default:
                // The same key was reserved first (possibly a moment ago, by a twin of this request): that one is the answer.
                return TypedResults.Ok((await FindAsync(db, key!, cancellationToken))!);
        }
    }

    public static string PathOf(string id) => $"/api/v1/inventory/reservations/{id}";

    private static async Task<ReservationResponse?> FindAsync(WaybillDb db, string key, CancellationToken cancellationToken)
    {
        var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
        return reservation is null ? null : ReservationResponse.From(reservation);
    }
}
