using System.Diagnostics;
using System.Text.Json;
using Waybill.Bench.Payments;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Bench.Changes;

/// <summary>
/// The pure computation of a cancel, in this process, on the domain <see cref="Order"/> equal to the one the server holds
/// (<see cref="ChangeBenchOrders.DraftOf"/>) and for the same request: what the preview computes
/// (<see cref="Order.PreviewCancel"/> + <see cref="Order.TotalsAfter"/>), what the submit computes
/// (<see cref="Order.Cancel"/> + the totals after, on a fresh order each time: a cancel changes the order), and — apart —
/// the JSON of the answer (<see cref="AnswerShape"/>, the shape of the server's ChangeResponse with the same figures
/// normalized to cents). No database, no HTTP: the rest of a request's time is everything else.
/// </summary>
public static class CancelComputation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ComputationResult Measure(ChangeBenchOrders.Planned planned, int iterations, int warmup)
    {
        var draft = ChangeBenchOrders.DraftOf(planned);
        var now = DateTimeOffset.UtcNow;
        // Every capture numbers its lines alike, so the request names the same lines on every fresh order.
        Order Capture() => Order.Capture(draft, "B-1", "customer", new CountingIds(), now);
        var ids = new CountingIds();

        var order = Capture();
        var byReference = order.ProductLines.ToDictionary(l => l.Reference, l => l.Id, StringComparer.Ordinal);
        var request = ChangeBenchOrders.CanceledLineIndexes(planned.Lines.Count)
            .Select(i => new CancelRequestLine(byReference[planned.Lines[i].Reference], 1, "customer_request")).ToList();

        var preview = new double[iterations];
        var serialize = new double[iterations];
        var answerBytes = 0;
        ChangeOrder? change = null;
        OrderTotals? after = null;
        for (var i = -warmup; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            change = order.PreviewCancel(ids.NewId(), request, reduceShipping: true, "customer_request", now);
            after = order.TotalsAfter(change);
            var computed = Stopwatch.GetTimestamp();
            var bytes = JsonSerializer.SerializeToUtf8Bytes(AnswerShape.Of(order, change, order.Totals, after), Json);
            var serialized = Stopwatch.GetTimestamp();
            if (i < 0) continue;
            preview[i] = Stopwatch.GetElapsedTime(started, computed).TotalMilliseconds;
            serialize[i] = Stopwatch.GetElapsedTime(computed, serialized).TotalMilliseconds;
            answerBytes = bytes.Length;
        }
        var grandTotalAfter = order.Currency.Normalize(after!.GrandTotalAmount);
        var changeLines = change!.Lines.Count;

        // Each submit cancels on an order as captured; capturing it is not timed.
        var submit = new double[iterations];
        for (var i = -warmup; i < iterations; i++)
        {
            var fresh = Capture();
            var started = Stopwatch.GetTimestamp();
            var applied = fresh.Cancel(ids.NewId(), request, reduceShipping: true, "customer_request", now);
            _ = fresh.Totals;
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i >= 0) submit[i] = elapsed;
            GC.KeepAlive(applied);
        }

        Array.Sort(preview);
        Array.Sort(serialize);
        Array.Sort(submit);
        return new ComputationResult(planned.Lines.Count, request.Count, changeLines, iterations,
            Percentiles.Of(preview, 0.50)!.Value, Percentiles.Of(preview, 0.99)!.Value,
            Percentiles.Of(submit, 0.50)!.Value, Percentiles.Of(submit, 0.99)!.Value,
            Percentiles.Of(serialize, 0.50)!.Value, Percentiles.Of(serialize, 0.99)!.Value,
            answerBytes, order.Currency.Normalize(order.Totals.GrandTotalAmount), grandTotalAfter);
    }

    private sealed class CountingIds : IIdGenerator
    {
        private long next;

        public string NewId() => "id" + Interlocked.Increment(ref next).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// The answer of a cancel as api.md "Changes" gives it (the server's ChangeResponse, enums as the API spells them), built
/// from the same figures: what serializing the server's answer costs, without the server.
/// </summary>
public static class AnswerShape
{
    public sealed record Answer(ChangeOrderShape ChangeOrder, Totals TotalsBefore, Totals TotalsAfter, decimal RefundableAmount, object? CreditMemo);

    public sealed record ChangeOrderShape(string? Id, string Type, string? Reason, IReadOnlyList<LineShape> Lines, decimal TotalAmount, DateTimeOffset CreatedAt);

    public sealed record LineShape(string? OrderLineId, string Type, int Quantity, decimal AmountDelta, decimal AdjustmentDelta, decimal TaxDelta, decimal TotalDelta, string? Reason);

    public sealed record Totals(decimal ProductAmount, decimal ProductAdjustmentAmount, decimal ProductTaxAmount, decimal DeliveryAmount,
        decimal DeliveryAdjustmentAmount, decimal DeliveryTaxAmount, decimal TotalTaxAmount, decimal FeeAmount, decimal GrandTotalAmount);

    public static Answer Of(Order order, ChangeOrder change, OrderTotals before, OrderTotals after)
    {
        var currency = order.Currency;
        decimal M(decimal amount) => currency.Normalize(amount);
        Totals T(OrderTotals t) => new(M(t.ProductAmount), M(t.ProductAdjustmentAmount), M(t.ProductTaxAmount), M(t.DeliveryAmount),
            M(t.DeliveryAdjustmentAmount), M(t.DeliveryTaxAmount), M(t.TotalTaxAmount), M(t.FeeAmount), M(t.GrandTotalAmount));
        return new Answer(
            new ChangeOrderShape(null, "cancel", change.Reason,
                [.. change.Lines.Select(l => new LineShape(l.OrderLineId, l.Type == OrderLineType.Product ? "product" : "delivery_charge", l.QuantityDelta,
                    M(l.AmountDelta), M(l.AdjustmentDelta), M(l.TaxDelta), M(l.TotalDelta(order.Taxation)), l.Reason))],
                M(change.TotalDelta), change.CreatedAt),
            T(before), T(after), 0m, null);
    }
}

/// <summary>In-process times of one order size (ms).</summary>
public sealed record ComputationResult(
    int Lines,
    int CanceledLines,
    int ChangeLines,
    int Iterations,
    double PreviewP50Ms,
    double PreviewP99Ms,
    double SubmitP50Ms,
    double SubmitP99Ms,
    double SerializeP50Ms,
    double SerializeP99Ms,
    int AnswerBytes,
    decimal GrandTotal,
    decimal GrandTotalAfter);
