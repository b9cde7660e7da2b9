using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// This process as the holder of import files. Several Waybill nodes share one database, and each import's file is on
/// the disk of the node that received it, so only that node can run it: it keeps its unfinished imports' heartbeat
/// fresh, and an import whose heartbeat went stale belonged to a node that stopped — any node may then fail it.
/// </summary>
public sealed class ImportNode(IOptions<InventoryOptions> options, IClock clock)
{
    /// <summary>
    /// Unique per process (a restarted node is a new one: what its previous run left is abandoned). Not
    /// <see cref="Platform.NodeIdentity"/>'s name, which may be configured to survive restarts: a restarted node would then
    /// keep its lost imports alive.
    /// </summary>
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    public TimeSpan HeartbeatInterval => options.Value.ImportHeartbeatInterval;

    /// <summary>Heard of before this, an unfinished import is abandoned.</summary>
    public DateTimeOffset AbandonedBefore => clock.UtcNow - 3 * HeartbeatInterval;

    /// <summary>Says this node's unfinished imports are alive (not a change of the import: its version stays).</summary>
    public async Task BeatAsync(WaybillDb db, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await db.StockImports
            .Where(i => i.Node == Id && (i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running))
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.HeartbeatAt, now), cancellationToken);
    }
}
