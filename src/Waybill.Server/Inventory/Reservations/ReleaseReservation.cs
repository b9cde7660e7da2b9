using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Reservations;

/// <summary><c>POST /api/v1/inventory/reservations/{id}/release</c> <c>{ "lines"?: [...] }</c>: give back some, or (no body) all.</summary>
public static class ReleaseReservation
{
    public sealed record Request(List<ReservationLineInput?>? Lines);

    public static RouteHandlerBuilder MapReleaseReservation(this RouteGroupBuilder inventory) => inventory
        .MapPost("/reservations/{id}/release", Handle)
        .RequireAuthorization(Policies.Reserve)
        .WithName("ReleaseReservation");

    public static async Task<Ok<ReservationResponse>> Handle(string id, Request? request, ReservationActions actions, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var lines = ReservationLines.Parse(request?.Lines, "lines", errors, required: false);
        errors.ThrowIfAny();
        return TypedResults.Ok(await actions.RunAsync(id, "released", async (reservation, ledger, now) =>
        {
            var released = reservation.Release(lines.Count == 0 ? null : lines, now);
            foreach (var line in released.OrderBy(l => l.Sku, StringComparer.Ordinal))
                await ledger.ReleaseAsync(line.Sku, line.Target, line.Quantity, cancellationToken);
            return new { lines = released.Select(l => new { l.Sku, at = l.Target.ToString(), l.Quantity }) };
        }, cancellationToken));
    }
}
