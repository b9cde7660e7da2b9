using Waybill.Domain.Inventory;

namespace Waybill.Domain.Tests.Inventory;

/// <summary>How an import's records for one location and SKU combine (api.md "Inventory", imports).</summary>
public class ImportedStockTests
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Friday = Monday.AddDays(4);

    [Fact]
    public void A_sku_only_mentioned_applies_nothing()
    {
        var stock = new ImportedStock();
        Assert.False(stock.Applies);
        Assert.Empty(stock.Futures);
    }

    [Fact]
    public void The_later_record_wins_and_its_futures_replace_the_earlier_ones()
    {
        var stock = new ImportedStock();
        stock.Apply(10, 2, [new StockFuture(5, Monday)], futuresAddUp: false);
        stock.Apply(7, 1, [new StockFuture(3, Friday)], futuresAddUp: false);

        Assert.True(stock.Applies);
        Assert.Equal(7, stock.OnHand);
        Assert.Equal(1, stock.SafetyStock);
        Assert.Equal([new StockFuture(3, Friday)], stock.Futures);
        Assert.Equal(3, stock.FutureQuantity);
    }

    [Fact]
    public void Csv_rows_add_their_futures_while_the_later_row_wins_for_on_hand_and_safety_stock()
    {
        var stock = new ImportedStock();
        stock.Apply(10, 2, [new StockFuture(5, Monday)], futuresAddUp: true);
        stock.Apply(12, 0, [], futuresAddUp: true);
        stock.Apply(12, 0, [new StockFuture(7, Friday)], futuresAddUp: true);

        Assert.Equal(12, stock.OnHand);
        Assert.Equal(0, stock.SafetyStock);
        Assert.Equal([new StockFuture(5, Monday), new StockFuture(7, Friday)], stock.Futures);
        Assert.Equal(12, stock.FutureQuantity);
    }

    [Fact]
    public void Futures_of_a_billion_each_add_up_without_overflow()
    {
        var stock = new ImportedStock();
        for (var i = 0; i < 5; i++) stock.Apply(0, 0, [new StockFuture(InventoryRules.MaxQuantity, Monday)], futuresAddUp: true);
        Assert.Equal(5L * InventoryRules.MaxQuantity, stock.FutureQuantity);
    }
}
