using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Orders;

namespace Waybill.Server.Data;

/// <summary>How change orders are stored: one row each, their lines as JSON (nothing queries inside them).</summary>
internal static class ChangesModel
{
    extension(WaybillDb db)
    {
        public DbSet<ChangeOrder> ChangeOrders => db.Set<ChangeOrder>();
    }

    public static void ConfigureChanges(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChangeOrder>(c =>
        {
            c.ToTable("change_orders");
            c.HasKey(x => x.Id);
            c.Property(x => x.Reason).HasMaxLength(500);
            c.HasIndex(x => new { x.OrderId, x.CreatedAt });
            c.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId);
            c.Ignore(x => x.Lines);
            c.Property<List<ChangeOrderLine>>("_lines").HasColumnName("lines")
                .HasConversion(WaybillDb.JsonList<ChangeOrderLine>()).Metadata.SetValueComparer(WaybillDb.ListComparer<ChangeOrderLine>());
        });
    }
}
