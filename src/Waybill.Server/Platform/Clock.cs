using Waybill.Domain.Common;

namespace Waybill.Server.Platform;

/// <summary>The one source of "now", so tests and simulations control time.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    // Truncated to microseconds: PostgreSQL keeps microseconds, and a value must read back as it was written.
    public DateTimeOffset UtcNow
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            return now.AddTicks(-(now.Ticks % 10));
        }
    }
}

/// <summary>Time-ordered ids (UUID version 7, 32 hex digits): newest-first lists can page by id.</summary>
public sealed class TimeOrderedIds : IIdGenerator
{
    public string NewId() => Guid.CreateVersion7().ToString("N");
}
