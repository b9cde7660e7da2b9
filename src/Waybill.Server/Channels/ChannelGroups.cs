using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Channels;
using Waybill.Server.Data;

namespace Waybill.Server.Channels;

/// <summary>
/// Which location group each channel sells from, remembered for a few seconds: every capture asks, and channels change
/// rarely. A change made on this node applies at once; one made on another node within <see cref="Freshness"/>.
/// </summary>
public sealed class ChannelGroups
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (string Group, long At)> _known = new(StringComparer.Ordinal);

    public async Task<string> SellsFromAsync(WaybillDb db, string channel, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(channel, out var known) && Environment.TickCount64 - known.At < Freshness.TotalMilliseconds) return known.Group;
        var stored = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == channel, cancellationToken);
        var group = Channel.LocationGroupFor(stored);
        if (_known.Count > 10_000) _known.Clear();
        _known[channel] = (group, Environment.TickCount64);
        return group;
    }

    public void Forget(string channel) => _known.TryRemove(channel, out _);
}
