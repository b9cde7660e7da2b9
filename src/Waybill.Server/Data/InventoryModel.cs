using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Server.Inventory.Stock;

namespace Waybill.Server.Data;

/// <summary>How stock and reservations are stored.</summary>
internal static class InventoryModel
{
    public static void ConfigureInventory(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StockLevel>(s =>
        {
            s.ToTable("stock_levels");
            s.HasKey(x => new { x.LocationCode, x.Sku });
            s.HasIndex(x => x.Sku);
            s.Property(x => x.LocationCode).HasMaxLength(64);
            s.Property(x => x.Sku).HasMaxLength(100);
            s.Property(x => x.Futures).HasConversion(WaybillDb.JsonList<StockFuture>()).Metadata.SetValueComparer(WaybillDb.ListComparer<StockFuture>());
            s.HasIndex(x => x.AvailabilityChanged).HasFilter("availability_changed");
            s.Ignore(x => x.Figures);
        });

        modelBuilder.Entity<GroupStock>(g =>
        {
            g.ToTable("group_stock");
            g.HasKey(x => new { x.GroupCode, x.Sku });
            g.Property(x => x.GroupCode).HasMaxLength(64);
            g.Property(x => x.Sku).HasMaxLength(100);
            g.Ignore(x => x.Figures);
        });

        modelBuilder.Entity<Reservation>(r =>
        {
            r.HasKey(x => x.Id);
            r.Property(x => x.Key).HasColumnName("reservation_key").HasMaxLength(200);
            r.HasIndex(x => x.Key).IsUnique().HasFilter("reservation_key IS NOT NULL");
            r.Property(x => x.Version).IsConcurrencyToken();
            // The expiry worker looks for active reservations past their time.
            r.HasIndex(x => new { x.Status, x.ExpiresAt });
            r.HasIndex(x => x.OrderId);
            r.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.ReservationId);
            r.Navigation(x => x.Lines).HasField("_lines");
        });

        modelBuilder.Entity<StockImport>(i =>
        {
            i.ToTable("stock_imports");
            i.HasKey(x => x.Id);
            i.Property(x => x.Version).IsConcurrencyToken();
            i.Ignore(x => x.Errors);
            i.Property<List<ImportError>>("_errors").HasColumnName("errors")
                .HasConversion(WaybillDb.JsonList<ImportError>()).Metadata.SetValueComparer(WaybillDb.ListComparer<ImportError>());
            i.HasIndex(x => x.Status);
            i.Property(x => x.Node).HasMaxLength(200);
        });

        // Every recordId an import applied, so a file sent again changes nothing.
        modelBuilder.Entity<AppliedImportRecord>(r =>
        {
            r.ToTable("applied_import_records");
            r.HasKey(x => x.RecordId);
            r.Property(x => x.RecordId).HasMaxLength(128);
            r.HasIndex(x => x.AppliedAt);
        });

        modelBuilder.Entity<ReservationLine>(l =>
        {
            l.ToTable("reservation_lines");
            l.HasKey(x => new { x.ReservationId, x.Sku, x.TargetKind, x.TargetCode });
            l.Property(x => x.TargetCode).HasMaxLength(64);
            l.Ignore(x => x.Target);
        });
    }
}
