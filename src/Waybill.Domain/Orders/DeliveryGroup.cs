using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>One recipient and one delivery method: product lines and one delivery-charge line.</summary>
public sealed class DeliveryGroup
{
    private List<OrderLine> _lines = [];

    private DeliveryGroup() { }

    internal DeliveryGroup(string id, string orderId, string reference, DeliveryMethod deliveryMethod, Address shippingAddress, int position)
    {
        Id = id;
        OrderId = orderId;
        Reference = reference;
        DeliveryMethod = deliveryMethod;
        ShippingAddress = shippingAddress;
        ShipToKey = ShipToKeyOf(shippingAddress);
        Position = position;
    }

    /// <summary>
    /// The shipping address's first line, compared the way a person would (case and spacing aside): how orders to one
    /// address are found (the fraud check's "orders to one address in a short window") without reading every address.
    /// </summary>
    public string? ShipToKey { get; private set; }

    public static string? ShipToKeyOf(Address address) =>
        string.IsNullOrWhiteSpace(address.Line1)
            ? null
            : string.Join(' ', address.Line1.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToUpperInvariant();

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public string Reference { get; private set; } = "";
    public int Position { get; private set; }
    public DeliveryMethod DeliveryMethod { get; private set; } = null!;
    public Address ShippingAddress { get; private set; } = null!;

    /// <summary>Product lines first, in request order, then the delivery-charge line.</summary>
    public IReadOnlyList<OrderLine> Lines => _lines;

    public IEnumerable<OrderLine> ProductLines => _lines.Where(l => l.Type == OrderLineType.Product);

    internal void Add(OrderLine line)
    {
        line.PlaceIn(OrderId, Id, _lines.Count);
        _lines.Add(line);
    }

    internal void SortLines() => _lines.Sort((a, b) => a.Position.CompareTo(b.Position));
}
