namespace Waybill.Domain.Inventory;

/// <summary>
/// What one import says about a SKU at a location once all its records for them are read (api.md "Inventory"): the
/// later record wins for on hand and safety stock; futures are the later record's, except where each record carries one
/// future (a CSV row) — there the rows add up. A record whose recordId an earlier import applied changes nothing: it
/// only <em>mentions</em> the SKU, which keeps a <c>full</c> import from setting it to zero.
/// </summary>
public sealed class ImportedStock
{
    private readonly List<StockFuture> _futures = [];

    public long OnHand { get; private set; }
    public long SafetyStock { get; private set; }
    public IReadOnlyList<StockFuture> Futures => _futures;
    public long FutureQuantity { get; private set; }

    /// <summary>True when at least one record of it applies in this import; false when the import only mentions it.</summary>
    public bool Applies { get; private set; }

    /// <summary>A record with a new recordId: it states the stock (and, when <paramref name="futuresAddUp"/>, one more future).</summary>
    public void Apply(int onHand, int safetyStock, IReadOnlyList<StockFuture> futures, bool futuresAddUp)
    {
        if (!Applies || !futuresAddUp)
        {
            _futures.Clear();
            FutureQuantity = 0;
        }
        foreach (var future in futures)
        {
            _futures.Add(future);
            FutureQuantity += future.Quantity;
        }
        OnHand = onHand;
        SafetyStock = safetyStock;
        Applies = true;
    }
}
