using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Reservations;

/// <summary><c>GET /api/v1/inventory/reservations/{id}</c>.</summary>
public static class GetReservation
{
    public static RouteHandlerBuilder MapGetReservation(this RouteGroupBuilder inventory) => inventory
        .MapGet("/reservations/{id}", Handle)
        .RequireAuthorization(Policies.ReadAvailability)
        .WithName("GetReservation");

    public static async Task<Ok<ReservationResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("reservation", id));
        http.Response.Headers.ETag = $"\"{reservation.Version}\"";
        return TypedResults.Ok(ReservationResponse.From(reservation));
    }
}
