using Microsoft.EntityFrameworkCore;
using Waybill.Server.Automation.Flows;

namespace Waybill.Server.Data;

/// <summary>Merchant flows, their versions, and the flow runs with their steps.</summary>
internal static class FlowsModel
{
    extension(WaybillDb db)
    {
        public DbSet<StoredFlow> Flows => db.Set<StoredFlow>();
        public DbSet<StoredFlowVersion> FlowVersions => db.Set<StoredFlowVersion>();
        public DbSet<FlowRun> FlowRuns => db.Set<FlowRun>();
        public DbSet<FlowRunStep> FlowRunSteps => db.Set<FlowRunStep>();
    }

    public static void ConfigureFlows(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredFlow>(f =>
        {
            f.ToTable("flows");
            f.HasKey(x => x.Name);
            f.Property(x => x.Name).HasMaxLength(100);
            f.Property(x => x.Origin).HasMaxLength(20);
            f.Property(x => x.ContentType).HasMaxLength(100);
            f.Property(x => x.Trigger).HasMaxLength(100);
            f.Property(x => x.UpdatedBy).HasMaxLength(200);
            f.Property(x => x.Version).IsConcurrencyToken();
        });

        modelBuilder.Entity<StoredFlowVersion>(v =>
        {
            v.ToTable("flow_versions");
            v.HasKey(x => new { x.Name, x.Version });
            v.Property(x => x.Name).HasMaxLength(100);
            v.Property(x => x.Origin).HasMaxLength(20);
            v.Property(x => x.ContentType).HasMaxLength(100);
            v.Property(x => x.UpdatedBy).HasMaxLength(200);
        });

        modelBuilder.Entity<FlowRun>(r =>
        {
            r.ToTable("flow_runs");
            r.HasKey(x => x.Id);
            r.Property(x => x.FlowName).HasMaxLength(100);
            r.Property(x => x.EventId).HasMaxLength(100);
            r.Property(x => x.EventType).HasMaxLength(100);
            r.Property(x => x.Subject).HasMaxLength(100);
            r.Property(x => x.OrderId).HasMaxLength(100);
            r.Property(x => x.Status).HasMaxLength(20);
            r.Property(x => x.Version).IsConcurrencyToken();
            // An event handed over twice finds its run: no second one.
            r.HasIndex(x => new { x.EventId, x.FlowName }).IsUnique();
            // In order per subject: the earlier unfinished runs of a subject.
            r.HasIndex(x => new { x.Subject, x.Status });
            r.HasIndex(x => x.OrderId);
            r.HasIndex(x => new { x.FlowName, x.Status });
        });

        modelBuilder.Entity<FlowRunStep>(s =>
        {
            s.ToTable("flow_run_steps");
            s.HasKey(x => x.Id);
            s.Property(x => x.RunId).HasMaxLength(100);
            s.Property(x => x.Phase).HasMaxLength(20);
            s.Property(x => x.StepId).HasMaxLength(100);
            s.Property(x => x.Action).HasMaxLength(100);
            s.Property(x => x.Status).HasMaxLength(20);
            s.HasIndex(x => new { x.RunId, x.Phase, x.Position, x.Attempt }).IsUnique();
        });
    }
}
