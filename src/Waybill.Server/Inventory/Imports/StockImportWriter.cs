using Waybill.Domain.Inventory;
using Waybill.Server.Data;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// What one (location, SKU) of a batch becomes — the file's records for it merged (<see cref="ImportedStock"/>), or a zero
/// from the end of a <c>full</c> import. <see cref="Applies"/> false: the file only mentions it (its records were applied
/// by an earlier import), nothing changes. <see cref="SafetyStock"/> null keeps the row's. <see cref="FuturesAddUp"/>:
/// the futures add to those an earlier batch of this import gave the row (CSV rows of one SKU split by a batch boundary).
/// </summary>
public readonly record struct StockRowChange(
    string Location, string Sku, long OnHand, long? SafetyStock, long FutureQuantity, string Futures, bool Applies, bool FuturesAddUp)
{
    public const string NoFutures = "[]";

    /// <summary>A SKU a <c>full</c> import did not mention at a location it lists: nothing on hand, nothing coming.</summary>
    public static StockRowChange Zero(string location, string sku) => new(location, sku, 0, null, 0, NoFutures, Applies: true, FuturesAddUp: false);
}

/// <summary>
/// Writes an import's batches into the stock tables with a few set-based statements per batch, in the caller's transaction
/// — never a round trip per record. Each batch keeps the ledger's invariant (<see cref="Stock.StockLedger"/>): a location's
/// changes of on hand, safety stock and futures are added to every group the location counts in, in the same transaction.
/// The writer keeps work tables in the database session, so the import holds one connection open from
/// <see cref="PrepareAsync"/> to <see cref="CleanUpAsync"/>.
/// </summary>
public abstract class StockImportWriter
{
    /// <summary>The groups each active location counts in: every group listing it, and <c>all</c>.</summary>
    protected const string GroupsOfLocations =
        "(SELECT m.location_code, m.group_code FROM location_group_members m JOIN locations l ON l.code = m.location_code WHERE l.active " +
        "UNION ALL SELECT code, '" + LocationGroup.All + "' FROM locations WHERE active)";

    public static StockImportWriter For(WaybillDb db) => db.IsPostgres ? new PostgresStockImportWriter(db) : new SqliteStockImportWriter(db);

    /// <summary>Creates (or empties) the session's work tables; the connection must be open and stay open.</summary>
    public abstract Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Called first in each batch's transaction.</summary>
    public virtual Task StartBatchAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Records <paramref name="recordIds"/> as applied by this import and returns the ones it applies: those no import
    /// applied before, and those this import recorded itself in an earlier batch (a recordId on several lines of one file).
    /// Two imports of the same records at once: the second waits for the first's batch and finds them taken.
    /// </summary>
    public abstract Task<HashSet<string>> ClaimAsync(string importId, IReadOnlyCollection<string> recordIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the rows (at most one per location and SKU) and adds the differences to the groups. When
    /// <paramref name="remember"/>, the (location, SKU) pairs are kept for <see cref="UnmentionedAsync"/> and for CSV futures
    /// that continue in a later batch.
    /// </summary>
    public abstract Task ApplyAsync(IReadOnlyList<StockRowChange> rows, bool remember, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The next <paramref name="limit"/> stock rows, after <paramref name="after"/> in (location, SKU) order, at
    /// <paramref name="locations"/> that hold stock or futures and that no remembered batch mentioned.
    /// </summary>
    public abstract Task<IReadOnlyList<(string Location, string Sku)>> UnmentionedAsync(
        IReadOnlyCollection<string> locations, (string Location, string Sku) after, int limit, CancellationToken cancellationToken);

    /// <summary>Empties the work tables, so a pooled connection does not carry an import's pairs around.</summary>
    public abstract Task CleanUpAsync(CancellationToken cancellationToken);
}
