using Waybill.Domain.Common;

namespace Waybill.Domain.Inventory;

public enum ReservationStatus
{
    Active,
    Fulfilled,
    Released,
    Expired,
}

/// <summary>
/// Stock held for an order or a cart (domain.md "Inventory"). The stock itself moves in the database with atomic
/// conditional updates; this aggregate decides what may move — never more than a line holds, never on a reservation that
/// is no longer active — and keeps what is held where.
/// </summary>
public sealed class Reservation
{
    private readonly List<ReservationLine> _lines = [];

    private Reservation() { }

    public string Id { get; private set; } = "";
    /// <summary>The caller's key, when given: creating the same key again answers the existing reservation.</summary>
    public string? Key { get; private set; }
    public ReservationStatus Status { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    /// <summary>The order it holds stock for, when an order capture made it.</summary>
    public string? OrderId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private set; }
    public IReadOnlyList<ReservationLine> Lines => _lines;

    /// <summary>A reservation of what the stock updates actually held (the caller reserved first, atomically).</summary>
    public static Reservation Open(string id, string? key, IEnumerable<HeldStock> held, DateTimeOffset? expiresAt, string? orderId, DateTimeOffset now)
    {
        var reservation = new Reservation
        {
            Id = id, Key = key, Status = ReservationStatus.Active, ExpiresAt = expiresAt, OrderId = orderId,
            CreatedAt = now, UpdatedAt = now, Version = 1,
        };
        foreach (var h in held.Where(h => h.Quantity > 0)) reservation.Hold(h.Sku, h.Target, h.Quantity);
        return reservation;
    }

    public bool IsExpiredAt(DateTimeOffset now) => Status == ReservationStatus.Expired || (ExpiresAt is { } at && at <= now);

    public int HeldAt(string sku, StockTarget target) => Find(sku, target)?.Quantity ?? 0;

    /// <summary>Gives stock back: the given quantities, or everything held when none are given.</summary>
    public IReadOnlyList<HeldStock> Release(IReadOnlyList<HeldStock>? quantities, DateTimeOffset now)
    {
        EnsureActive("release", now);
        var released = quantities ?? Held();
        Take(released, "lines");
        Touch(now);
        return released;
    }

    /// <summary>Moves held stock from one place to another (group → location when routed, location → location when rerouted).</summary>
    public void Transfer(IReadOnlyList<StockTransfer> transfers, DateTimeOffset now)
    {
        EnsureActive("transfer", now);
        var errors = new FieldErrors();
        for (var i = 0; i < transfers.Count; i++)
            if (transfers[i].From == transfers[i].To) errors.Add($"lines[{i}].to", "A transfer moves stock to another place than it comes from.");
        errors.ThrowIfAny();
        Take(transfers.Select(t => new HeldStock(t.Sku, t.From, t.Quantity)).ToList(), "lines");
        foreach (var t in transfers) Hold(t.Sku, t.To, t.Quantity);
        Touch(now);
    }

    /// <summary>Holds more: routing reserved, at the chosen location, quantity the capture could not hold.</summary>
    public void Add(IReadOnlyList<HeldStock> held, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(held);
        EnsureActive("add to", now);
        foreach (var h in held.Where(h => h.Quantity > 0)) Hold(h.Sku, h.Target, h.Quantity);
        UpdatedAt = now;
        Version++;
    }

    /// <summary>Stock shipped from a location: the reservation no longer holds it (onHand drops with it, in the database).</summary>
    public void Fulfill(IReadOnlyList<HeldStock> shipped, DateTimeOffset now)
    {
        EnsureActive("fulfill", now);
        var errors = new FieldErrors();
        for (var i = 0; i < shipped.Count; i++)
            if (shipped[i].Target.Kind != TargetKind.Location)
                errors.Add($"lines[{i}].location", "Stock is fulfilled from a location; transfer a group's reservation to a location first.");
        errors.ThrowIfAny();
        Take(shipped, "lines");
        foreach (var s in shipped) Find(s.Sku, s.Target)!.Fulfilled += s.Quantity;
        Touch(now);
    }

    /// <summary>The expiry worker found it past its time: everything still held goes back.</summary>
    public IReadOnlyList<HeldStock> Expire(DateTimeOffset now)
    {
        if (Status != ReservationStatus.Active) throw new InvalidTransitionException("reservation", StatusNames.Of(Status), "expire");
        var released = Held();
        foreach (var line in _lines) line.Quantity = 0;
        Status = ReservationStatus.Expired;
        UpdatedAt = now;
        Version++;
        return released;
    }

    private List<HeldStock> Held() => _lines.Where(l => l.Quantity > 0).Select(l => new HeldStock(l.Sku, l.Target, l.Quantity)).ToList();

    private void EnsureActive(string action, DateTimeOffset now)
    {
        if (Status != ReservationStatus.Active) throw new InvalidTransitionException("reservation", StatusNames.Of(Status), action);
        if (IsExpiredAt(now)) throw new InvalidTransitionException("reservation", "expired", action);
    }

    /// <summary>Takes quantities off the lines; all or nothing, naming each line that does not hold enough.</summary>
    private void Take(IReadOnlyList<HeldStock> quantities, string path)
    {
        var errors = new FieldErrors();
        var wanted = new Dictionary<(string, StockTarget), long>();
        for (var i = 0; i < quantities.Count; i++)
        {
            var q = quantities[i];
            if (q.Quantity <= 0) { errors.Add($"{path}[{i}].quantity", "quantity must be above zero."); continue; }
            var key = (q.Sku, q.Target);
            wanted[key] = wanted.GetValueOrDefault(key) + q.Quantity;
            var held = HeldAt(q.Sku, q.Target);
            if (wanted[key] > held)
                throw new DomainException("quantity_exceeds_remaining",
                    $"lines[{i}]: the reservation holds {held} of {q.Sku} at {q.Target}; {wanted[key]} cannot be taken from it.");
        }
        errors.ThrowIfAny();
        foreach (var q in quantities) Find(q.Sku, q.Target)!.Quantity -= q.Quantity;
    }

    private void Hold(string sku, StockTarget target, int quantity)
    {
        var line = Find(sku, target);
        if (line is null) _lines.Add(new ReservationLine(Id, sku, target, quantity));
        else line.Quantity += quantity;
    }

    private ReservationLine? Find(string sku, StockTarget target) => _lines.Find(l => l.Sku == sku && l.Target == target);

    private void Touch(DateTimeOffset now)
    {
        if (_lines.All(l => l.Quantity == 0))
            Status = _lines.Any(l => l.Fulfilled > 0) ? ReservationStatus.Fulfilled : ReservationStatus.Released;
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What a reservation holds of one SKU at one place, and what it has fulfilled from there.</summary>
public sealed class ReservationLine
{
    private ReservationLine() { }

    internal ReservationLine(string reservationId, string sku, StockTarget target, int quantity)
    {
        ReservationId = reservationId;
        Sku = sku;
        TargetKind = target.Kind;
        TargetCode = target.Code;
        Quantity = quantity;
    }

    public string ReservationId { get; private set; } = "";
    public string Sku { get; private set; } = "";
    public TargetKind TargetKind { get; private set; }
    public string TargetCode { get; private set; } = "";
    /// <summary>Held now.</summary>
    public int Quantity { get; internal set; }
    public int Fulfilled { get; internal set; }
    public StockTarget Target => new(TargetKind, TargetCode);
}

/// <summary>A quantity of a SKU at a place: what is held, asked for, released or shipped.</summary>
public sealed record HeldStock(string Sku, StockTarget Target, int Quantity);

public sealed record StockTransfer(string Sku, int Quantity, StockTarget From, StockTarget To);
