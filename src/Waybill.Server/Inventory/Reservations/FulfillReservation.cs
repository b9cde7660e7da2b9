using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>
/// <c>POST /api/v1/inventory/reservations/{id}/fulfill</c> <c>{ "lines": [{ "sku", "quantity", "location" }] }</c>:
/// stock shipped from a location; on hand and reserved both drop. A line naming a <c>group</c> is refused by the
/// reservation (a group's hold is transferred to a location first), and the location must exist.
/// </summary>
public static class FulfillReservation
{
    public sealed record Request(List<FulfillLineInput?>? Lines);

    public sealed record FulfillLineInput(string? Sku, int? Quantity, string? Location, string? Group);

    public static RouteHandlerBuilder MapFulfillReservation(this RouteGroupBuilder inventory) => inventory
        .MapPost("/reservations/{id}/fulfill", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("FulfillReservation");

    public static async Task<Ok<ReservationResponse>> Handle(string id, Request request, ReservationActions actions, WaybillDb db, KnownInventory known, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var lines = ReservationLines.Parse(request.Lines?.Select(l => l is null ? null : new ReservationLineInput(l.Sku, l.Quantity, l.Location, l.Group)).ToList(),
            "lines", errors, required: true);
        errors.ThrowIfAny();
        var missing = await known.MissingAsync(db, lines.Where(l => l.Target.Kind == TargetKind.Location).Select(l => l.Target), cancellationToken);
        for (var i = 0; i < lines.Count; i++)
            if (missing.Contains(lines[i].Target))
                errors.Add($"lines[{i}].location", $"There is no location {lines[i].Target.Code}.");
        errors.ThrowIfAny();
        return TypedResults.Ok(await actions.RunAsync(id, "fulfilled", async (reservation, ledger, now) =>
        {
            reservation.Fulfill(lines, now);
            foreach (var line in lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
                await ledger.FulfillAsync(line.Sku, line.Target.Code, line.Quantity, cancellationToken);
            return new { lines = lines.Select(l => new { l.Sku, at = l.Target.ToString(), l.Quantity }) };
        }, cancellationToken));
    }
}
