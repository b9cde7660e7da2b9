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
        public DbSet<Shipment> Shipments => db.Set<Shipment>();
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
            f.HasMany(x => x.Shipments).WithOne().HasForeignKey(x => x.FulfillmentOrderId);
            f.Navigation(x => x.Shipments).HasField("_shipments");
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

        modelBuilder.Entity<Shipment>(s =>
        {
            s.ToTable("shipments");
            s.HasKey(x => x.Id);
            s.Property(x => x.Version).IsConcurrencyToken();
            s.Property(x => x.Carrier).HasMaxLength(64);
            s.Property(x => x.Service).HasMaxLength(64);
            s.Property(x => x.TrackingNumber).HasMaxLength(100);
            s.HasIndex(x => x.OrderId);
            s.HasIndex(x => x.TrackingNumber);
            s.HasOne<Waybill.Domain.Orders.Order>().WithMany().HasForeignKey(x => x.OrderId);
            s.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.ShipmentId);
            s.Navigation(x => x.Lines).HasField("_lines");
            s.HasMany(x => x.TrackingEvents).WithOne().HasForeignKey(e => e.ShipmentId);
            s.Navigation(x => x.TrackingEvents).HasField("_trackingEvents");
            s.Ignore(x => x.Events);
        });

        modelBuilder.Entity<ShipmentLine>(l =>
        {
            l.ToTable("shipment_lines");
            // A shipment names each fulfillment order line once.
            l.HasKey(x => new { x.ShipmentId, x.FulfillmentOrderLineId });
            l.Property(x => x.Sku).HasMaxLength(100);
            l.HasOne<FulfillmentOrderLine>().WithMany().HasForeignKey(x => x.FulfillmentOrderLineId);
        });

        modelBuilder.Entity<TrackingEvent>(e =>
        {
            e.ToTable("shipment_tracking_events");
            e.HasKey(x => new { x.ShipmentId, x.Sequence });
            e.Property(x => x.Location).HasMaxLength(200);
            e.Property(x => x.Description).HasMaxLength(1000);
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
            // The problem the attempt solved, as compact JSON: the simulation replays it; nothing queries inside it.
            a.Property(x => x.Snapshot).HasColumnName("problem").HasConversion(WaybillDb.Json<RoutingSnapshot>()!).Metadata.SetValueComparer(WaybillDb.Comparer<RoutingSnapshot>());
            // The simulation reads the attempts completed in a period.
            a.HasIndex(x => x.CompletedAt);
            a.Property(x => x.FulfillmentOrderIds).HasConversion(WaybillDb.JsonList<string>()).Metadata.SetValueComparer(WaybillDb.ListComparer<string>());
        });
    }
}
