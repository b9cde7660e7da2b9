using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>
/// <c>POST /api/v1/inventory/reservations/{id}/transfer</c>: move held stock to a location — from the group it was
/// reserved at (routing), or from another location (rerouting). <c>from</c> names what the reservation holds the SKU at
/// (a group or a location); <c>to</c> is a location. Unless <c>ignoreAvailability</c>, the new location must have it.
/// </summary>
public static class TransferReservation
{
    public sealed record Request(List<TransferLineInput?>? Lines, bool? IgnoreAvailability);

    public sealed record TransferLineInput(string? Sku, int? Quantity, string? From, string? To);

    public static RouteHandlerBuilder MapTransferReservation(this RouteGroupBuilder inventory) => inventory
        .MapPost("/reservations/{id}/transfer", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("TransferReservation");

    public static async Task<Ok<ReservationResponse>> Handle(string id, Request request, ReservationActions actions, WaybillDb db, KnownInventory known, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var inputs = new List<(string Sku, int Quantity, string From, string To)>();
        if (request.Lines is null || request.Lines.Count == 0) errors.Add("lines", "lines needs at least one line.");
        else if (request.Lines.Count > ReservationLines.MaxLines) errors.Add("lines", $"At most {ReservationLines.MaxLines} lines a request.");
        else
            for (var i = 0; i < request.Lines.Count; i++)
            {
                var line = request.Lines[i];
                if (line is null) { errors.Add($"lines[{i}]", "A line cannot be null."); continue; }
                var sku = ReservationLines.Sku(line.Sku, $"lines[{i}].sku", errors);
                var quantity = ReservationLines.Quantity(line.Quantity, $"lines[{i}].quantity", errors);
                if (string.IsNullOrWhiteSpace(line.From)) errors.Add($"lines[{i}].from", "from is required: the location or group the stock is held at.");
                if (string.IsNullOrWhiteSpace(line.To)) errors.Add($"lines[{i}].to", "to is required: the location to hold the stock at.");
                inputs.Add((sku, quantity, line.From?.Trim() ?? "", line.To?.Trim() ?? ""));
            }
        errors.ThrowIfAny();
        var missing = await known.MissingAsync(db, inputs.Select(t => StockTarget.Location(t.To)), cancellationToken);
        for (var i = 0; i < inputs.Count; i++)
            if (missing.Contains(StockTarget.Location(inputs[i].To)))
                errors.Add($"lines[{i}].to", $"There is no location {inputs[i].To}.");
        errors.ThrowIfAny();

        var ignoreAvailability = request.IgnoreAvailability ?? false;
        return TypedResults.Ok(await actions.RunAsync(id, "transferred", async (reservation, ledger, now) =>
        {
            var transfers = new List<StockTransfer>();
            var bad = new FieldErrors();
            for (var i = 0; i < inputs.Count; i++)
            {
                var (sku, quantity, from, to) = inputs[i];
                // `from` is what the reservation holds the SKU at: its group when routed from a group, else a location.
                var source = reservation.HeldAt(sku, StockTarget.Group(from)) > 0 ? StockTarget.Group(from) : StockTarget.Location(from);
                transfers.Add(new StockTransfer(sku, quantity, source, StockTarget.Location(to)));
            }
            bad.ThrowIfAny();
            reservation.Transfer(transfers, now);
            var shortLines = new List<ShortLine>();
            foreach (var (t, index) in transfers.Select((t, i) => (t, i)).OrderBy(x => x.t.Sku, StringComparer.Ordinal))
                if (!await ledger.TransferAsync(t.Sku, t.From, t.To, t.Quantity, ignoreAvailability, cancellationToken))
                    shortLines.Add(new ShortLine(index, t.Sku, t.To.Code, null, t.Quantity, await ledger.AvailableAsync(t.Sku, t.To, cancellationToken)));
            if (shortLines.Count > 0)
            {
                shortLines.Sort((a, b) => a.Line.CompareTo(b.Line));
                throw ReservationLines.Insufficient(shortLines);
            }
            return new { ignoreAvailability, lines = transfers.Select(t => new { t.Sku, t.Quantity, from = t.From.ToString(), to = t.To.ToString() }) };
        }, cancellationToken));
    }
}
