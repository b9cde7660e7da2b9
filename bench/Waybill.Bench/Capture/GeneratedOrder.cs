using System.Text;

namespace Waybill.Bench.Capture;

/// <summary>
/// One pre-generated order: the request object, the figures a server derives from it, and its JSON body
/// as UTF-8 bytes. The body is a template: its externalReference ends in ten zero digits that
/// <see cref="WriteBody"/> overwrites with a sequence number, so a pool of a few thousand templates serves
/// any number of unique orders for the cost of a memcpy (the externalReference must be unique per order).
/// </summary>
public sealed class GeneratedOrder
{
    /// <summary>Width of the sequence number at the end of every externalReference.</summary>
    public const int SequenceDigits = 10;

    private readonly byte[] body;
    private readonly int sequenceOffset;

    public GeneratedOrder(OrderRequest request, string referencePrefix, OrderFigures figures, byte[] body)
    {
        Request = request;
        ReferencePrefix = referencePrefix;
        Figures = figures;
        this.body = body;

        // The prefix carries a random tag, so its first occurrence is the externalReference value.
        var placeholder = Encoding.UTF8.GetBytes(referencePrefix + new string('0', SequenceDigits) + "\"");
        var index = body.AsSpan().IndexOf(placeholder);
        if (index < 0)
        {
            throw new InvalidOperationException("The order body does not contain its externalReference placeholder.");
        }

        sequenceOffset = index + Encoding.UTF8.GetByteCount(referencePrefix);
    }

    public OrderRequest Request { get; }

    /// <summary>The externalReference without its sequence digits, e.g. <c>W-k3x9q-</c>.</summary>
    public string ReferencePrefix { get; }

    public OrderFigures Figures { get; }

    /// <summary>Length in bytes of every body this template produces.</summary>
    public int BodyLength => body.Length;

    public string ExternalReference(long sequence) =>
        ReferencePrefix + sequence.ToString("D" + SequenceDigits, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the body for order number <paramref name="sequence"/> into <paramref name="destination"/>.</summary>
    public int WriteBody(long sequence, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        body.CopyTo(destination);
        var digits = destination.Slice(sequenceOffset, SequenceDigits);
        if (!sequence.TryFormat(digits, out var written, "D10", System.Globalization.CultureInfo.InvariantCulture)
            || written != SequenceDigits)
        {
            throw new InvalidOperationException($"Order sequence {sequence} does not fit in {SequenceDigits} digits.");
        }

        return body.Length;
    }
}

/// <summary>
/// What a server computes from an order, precomputed so the raw-SQL baseline spends its time writing rows
/// rather than doing arithmetic the bench would otherwise charge to the database.
/// </summary>
public sealed record OrderFigures(
    decimal Subtotal,
    decimal LineAdjustments,
    decimal OrderAdjustments,
    decimal DeliveryTotal,
    decimal TaxTotal,
    decimal GrandTotal,
    decimal AuthorizedTotal,
    decimal CapturedTotal,
    IReadOnlyList<GroupFigures> Groups);

/// <summary>Per delivery group: the delivery-charge line and the product lines, in request order.</summary>
public sealed record GroupFigures(LineFigures Delivery, IReadOnlyList<LineFigures> Lines);

/// <summary>
/// One order line's money. <c>Adjusted = LineAmount + AdjustmentAmount</c> (adjustments are negative) and
/// <c>Total = Adjusted + TaxAmount</c> (taxation is "net": tax is added on top).
/// </summary>
public sealed record LineFigures(decimal LineAmount, decimal AdjustmentAmount, decimal AdjustedAmount, decimal TaxAmount, decimal TotalAmount);
