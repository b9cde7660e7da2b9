using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Tests.Platform;

public class BackoffPropertyTests
{
    [Property(MaxTest = 500)]
    public Property Backoff_doubles_from_the_base_never_shrinks_and_never_passes_the_cap() =>
        Prop.ForAll(Gen.Choose(1, 200).ToArbitrary(), Gen.Choose(1, 5_000).ToArbitrary(), Gen.Choose(0, 600_000).ToArbitrary(), (failures, baseMs, extraMs) =>
        {
            var baseDelay = TimeSpan.FromMilliseconds(baseMs);
            var cap = baseDelay + TimeSpan.FromMilliseconds(extraMs);
            var delay = Backoff.After(failures, baseDelay, cap);
            var next = Backoff.After(failures + 1, baseDelay, cap);
            var doubled = failures <= 20 ? TimeSpan.FromTicks(baseDelay.Ticks << (failures - 1)) : TimeSpan.MaxValue;
            return delay <= cap && next >= delay && delay >= baseDelay && (delay == cap || delay == doubled);
        });
}
