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

/// <summary>
/// Time-ordered ids: 48 bits of Unix milliseconds and a 16-bit counter (strictly increasing within this process), then
/// 64 random bits; 32 hex digits. Newest-first lists page by id, and ids from several nodes do not collide.
/// </summary>
public sealed class TimeOrderedIds : IIdGenerator
{
    private long _last;

    public string NewId()
    {
        var candidate = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;
        long previous, next;
        do
        {
            previous = Volatile.Read(ref _last);
            next = Math.Max(candidate, previous + 1);
        } while (Interlocked.CompareExchange(ref _last, next, previous) != previous);

        Span<byte> random = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        return next.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + Convert.ToHexStringLower(random);
    }
}
