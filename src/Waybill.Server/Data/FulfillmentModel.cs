using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Fulfillment;
using Waybill.Domain.Routing;

namespace Waybill.Server.Data;

/// <summary>How fulfillment orders, their lines and routing attempts are stored.</summary>
internal static class FulfillmentModel
{
    extension(WaybillDb db)
    {
        public DbSet<FulfillmentOrder> FulfillmentOrders => db.Set<FulfillmentOrder>();
        public DbSet<FulfillmentOrderLine> FulfillmentOrderLines => db.Set<FulfillmentOrderLine>();
        public DbSet<RoutingAttempt> RoutingAttempts => db.Set<RoutingAttempt>();
    }

    public static void ConfigureFulfillment(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<FulfillmentOrder>(f =>
        {
            f.ToTable("fulfillment_orders");
            f.HasKey(x => x.Id);
            f.Property(x => x.Version).IsConcurrencyToken();
            f.Property(x => x.Location).HasMaxLength(64);
            f.Property(x => x.OrderNumber).HasMaxLength(40);
            f.HasIndex(x => x.OrderId);
            // The location's work list: its open fulfillment orders, newest first.
            f.HasIndex(x => new { x.Location, x.Status });
            f.HasIndex(x => x.Status);
            f.HasOne<Waybill.Domain.Orders.Order>().WithMany().HasForeignKey(x => x.OrderId);
            f.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.FulfillmentOrderId);
            f.Navigation(x => x.Lines).HasField("_lines");
            f.Ignore(x => x.Events);
            f.Ignore(x => x.IsOpen);
        });

        modelBuilder.Entity<FulfillmentOrderLine>(l =>
        {
            l.ToTable("fulfillment_order_lines");
            l.HasKey(x => x.Id);
            l.Property(x => x.Sku).HasMaxLength(100);
            // Routing reads which locations rejected an order line (never offered it again).
            l.HasIndex(x => x.OrderLineId);
            l.Ignore(x => x.QuantityOpen);
        });

        modelBuilder.Entity<RoutingAttempt>(a =>
        {
            a.ToTable("routing_attempts");
            a.HasKey(x => x.Id);
            a.Property(x => x.Version).IsConcurrencyToken();
            // One attempt number per order: two routes of one order racing cannot both record theirs.
            a.HasIndex(x => new { x.OrderId, x.Number }).IsUnique();
            a.HasOne<Waybill.Domain.Orders.Order>().WithMany().HasForeignKey(x => x.OrderId);
            a.Property(x => x.Allocations).HasConversion(WaybillDb.JsonList<AttemptAllocation>()).Metadata.SetValueComparer(WaybillDb.ListComparer<AttemptAllocation>());
            a.Property(x => x.ShortLines).HasConversion(WaybillDb.JsonList<AttemptShortLine>()).Metadata.SetValueComparer(WaybillDb.ListComparer<AttemptShortLine>());
            a.Property(x => x.Candidates).HasConversion(WaybillDb.JsonList<AttemptCandidate>()).Metadata.SetValueComparer(WaybillDb.ListComparer<AttemptCandidate>());
            a.Property(x => x.FulfillmentOrderIds).HasConversion(WaybillDb.JsonList<string>()).Metadata.SetValueComparer(WaybillDb.ListComparer<string>());
        });
    }
}
