using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Data;

/// <summary>The background work's tables: durable jobs and the event dispatcher's per-consumer cursors.</summary>
internal static class WorkModel
{
    extension(WaybillDb db)
    {
        public DbSet<Job> Jobs => db.Set<Job>();
        public DbSet<EventCursor> EventCursors => db.Set<EventCursor>();
    }

    public static void ConfigureWork(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Job>(j =>
        {
            j.ToTable("jobs");
            j.HasKey(x => x.Id);
            j.Property(x => x.Kind).HasMaxLength(100);
            j.Property(x => x.Subject).HasMaxLength(100);
            j.Property(x => x.LeaseOwner).HasMaxLength(200);
            // pending|running|done|failed as written in the claim's SQL.
            j.Property(x => x.Status).HasConversion(v => StatusNames.Of(v), v => Enum.Parse<JobStatus>(v, true)).HasMaxLength(20);
            // The claim's search: due pending jobs and running ones whose lease ran out.
            j.HasIndex(x => new { x.Status, x.DueAt });
            j.HasIndex(x => x.Subject);
        });

        modelBuilder.Entity<EventCursor>(c =>
        {
            c.ToTable("event_cursors");
            c.HasKey(x => x.Consumer);
            c.Property(x => x.Consumer).HasMaxLength(100);
            c.Property(x => x.LeaseOwner).HasMaxLength(200);
        });
    }
}
