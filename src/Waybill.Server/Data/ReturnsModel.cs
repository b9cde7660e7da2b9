using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Orders;
using Waybill.Domain.Returns;

namespace Waybill.Server.Data;

/// <summary>
/// How return orders are stored: one row each, their lines in a table (quantities that receipts change), their fees and
/// receipts as JSON (read with the return order, never queried inside).
/// </summary>
internal static class ReturnsModel
{
    extension(WaybillDb db)
    {
        public DbSet<ReturnOrder> ReturnOrders => db.Set<ReturnOrder>();
    }

    public static void ConfigureReturns(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReturnOrder>(r =>
        {
            r.ToTable("return_orders");
            r.HasKey(x => x.Id);
            r.Property(x => x.Version).IsConcurrencyToken();
            r.Property(x => x.CurrencyCode).HasMaxLength(3);
            r.HasIndex(x => new { x.OrderId, x.CreatedAt });
            // The receiving work list: return orders by status.
            r.HasIndex(x => new { x.Status, x.CreatedAt });
            r.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId);
            r.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.ReturnOrderId);
            r.Navigation(x => x.Lines).HasField("_lines");
            r.Ignore(x => x.Fees);
            r.Property<List<ReturnFee>>("_fees").HasColumnName("fees")
                .HasConversion(WaybillDb.JsonList<ReturnFee>()).Metadata.SetValueComparer(WaybillDb.ListComparer<ReturnFee>());
            r.Ignore(x => x.Receipts);
            r.Property<List<ReturnReceipt>>("_receipts").HasColumnName("receipts")
                .HasConversion(WaybillDb.JsonList<ReturnReceipt>()).Metadata.SetValueComparer(WaybillDb.ListComparer<ReturnReceipt>());
            r.Ignore(x => x.Events);
            r.Ignore(x => x.ChangeOrderIds);
            r.Ignore(x => x.CreditMemoIds);
        });

        modelBuilder.Entity<ReturnOrderLine>(l =>
        {
            l.ToTable("return_order_lines");
            l.HasKey(x => x.Id);
            l.HasIndex(x => new { x.ReturnOrderId, x.Position }).IsUnique();
            l.HasOne<OrderLine>().WithMany().HasForeignKey(x => x.OrderLineId);
            l.Property(x => x.Sku).HasMaxLength(100);
            l.Property(x => x.Reason).HasMaxLength(64);
            l.Ignore(x => x.QuantityRemaining);
        });
    }
}
