namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// Where each column of a CSV stock file is, from its header row: names matched ignoring case and surrounding spaces,
/// in any order, other columns ignored. -1 for an optional column the file leaves out.
/// </summary>
internal sealed record CsvStockColumns(int RecordId, int Location, int Sku, int OnHand, int SafetyStock, int FutureQuantity, int FutureExpectedAt, int Count)
{
    private static readonly string[] Names = ["recordId", "location", "sku", "onHand", "safetyStock", "futureQuantity", "futureExpectedAt"];
    private static readonly string[] Required = ["recordId", "location", "sku", "onHand"];

    /// <summary>The columns of <paramref name="header"/>; throws <see cref="StockFileUnreadableException"/> when a row could not be read with it.</summary>
    public static CsvStockColumns Of(IReadOnlyList<string> header)
    {
        if (header.Count == 0)
            throw new StockFileUnreadableException($"the CSV file is empty: it must start with a header row naming the columns {string.Join(",", Names)}");

        var index = new int[Names.Length];
        Array.Fill(index, -1);
        for (var column = 0; column < header.Count; column++)
        {
            var known = Array.FindIndex(Names, name => name.Equals(header[column].Trim(), StringComparison.OrdinalIgnoreCase));
            if (known < 0)
                continue;
            if (index[known] >= 0)
                throw new StockFileUnreadableException($"the CSV header names the column {Names[known]} twice");
            index[known] = column;
        }

        var missing = new List<string>();
        foreach (var name in Required)
        {
            if (index[Array.IndexOf(Names, name)] < 0)
                missing.Add(name);
        }
        if (missing.Count > 0)
        {
            // The usual cause of a header with one column is a spreadsheet that saved with semicolons or tabs.
            var hint = header.Count == 1 && header[0].AsSpan().IndexOfAny(";\t|") >= 0 ? " (columns must be separated by commas)" : "";
            throw new StockFileUnreadableException($"the CSV header lacks the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}{hint}");
        }

        // A future is a quantity and a date: one column without the other would make every future row an error.
        var (quantity, expectedAt) = (index[5], index[6]);
        if ((quantity >= 0) != (expectedAt >= 0))
            throw new StockFileUnreadableException(quantity >= 0
                ? "the CSV header has futureQuantity but lacks futureExpectedAt"
                : "the CSV header has futureExpectedAt but lacks futureQuantity");

        return new CsvStockColumns(index[0], index[1], index[2], index[3], index[4], quantity, expectedAt, header.Count);
    }
}
