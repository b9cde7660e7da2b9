using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>A reservation as the API shows it: what it holds now, where.</summary>
public sealed record ReservationResponse(
    string Id,
    string? ReservationKey,
    ReservationStatus Status,
    DateTimeOffset? ExpiresAt,
    string? OrderId,
    IReadOnlyList<ReservationLineResponse> Lines,
    IReadOnlyList<ShortLine> ShortLines,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ReservationResponse From(Reservation reservation, IReadOnlyList<ShortLine>? shortLines = null) => new(
        reservation.Id, reservation.Key, reservation.Status, reservation.ExpiresAt, reservation.OrderId,
        reservation.Lines.Select(l => new ReservationLineResponse(l.Sku, l.Quantity, l.Fulfilled,
            l.TargetKind == TargetKind.Location ? l.TargetCode : null,
            l.TargetKind == TargetKind.Group ? l.TargetCode : null)).ToList(),
        shortLines ?? [], reservation.Version, reservation.CreatedAt, reservation.UpdatedAt);
}

/// <param name="Quantity">Held now.</param>
/// <param name="QuantityFulfilled">Shipped from this line so far.</param>
public sealed record ReservationLineResponse(string Sku, int Quantity, int QuantityFulfilled, string? Location, string? Group);

/// <summary>A line that could not be held in full: what was asked, and what was available.</summary>
public sealed record ShortLine(int Line, string Sku, string? Location, string? Group, int Requested, long Available);
