using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;
using Waybill.Server.Data;

namespace Waybill.Server.Webhooks;

/// <summary>
/// The live subscriptions, as the <c>webhooks</c> consumer needs them for every event — read once per stretch of the
/// outbox instead of once per event (a million-line import announces a million). The list read together with the
/// outbox's last sequence serves every event up to that sequence: those events were committed before the list was read,
/// so it holds every subscription committed before them, which is what reading it per event gave. A later event reads
/// it again; a subscription created or deleted on this node drops it at once.
/// </summary>
public sealed class LiveSubscriptions
{
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(long UpToSequence, IReadOnlyList<WebhookSubscription> Subscriptions);

    public async Task<IReadOnlyList<WebhookSubscription>> ForEventAsync(WaybillDb db, long sequence, CancellationToken cancellationToken)
    {
        if (_snapshot is { } snapshot && sequence <= snapshot.UpToSequence) return snapshot.Subscriptions;
        // The sequence first, then the list: the list is at least as new as every event up to it.
        var upTo = await db.OutboxEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.DeletedAt == null).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        _snapshot = new Snapshot(Math.Max(upTo, sequence), subscriptions);
        return subscriptions;
    }

    /// <summary>A subscription was created or deleted here (and committed): the next event reads the list again.</summary>
    public void Changed() => _snapshot = null;
}
