using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;

namespace Waybill.Server.Data;

/// <summary>Process exceptions in the one <see cref="WaybillDb"/>.</summary>
internal static class ProcessExceptionsModel
{
    extension(WaybillDb db)
    {
        public DbSet<ProcessException> ProcessExceptions => db.Set<ProcessException>();
    }

    public static void ConfigureProcessExceptions(this ModelBuilder modelBuilder) =>
        modelBuilder.Entity<ProcessException>(p =>
        {
            p.ToTable("process_exceptions");
            p.HasKey(x => x.Id);
            p.Property(x => x.Version).IsConcurrencyToken();
            p.Property(x => x.Message).HasMaxLength(ProcessException.MessageMaxLength);
            p.Property(x => x.RetryReference).HasMaxLength(500);
            p.Ignore(x => x.Notes);
            p.Ignore(x => x.Changes);
            p.Ignore(x => x.IsOpen);
            p.Property<List<ProcessExceptionNote>>("_notes").HasColumnName("notes")
                .HasConversion(WaybillDb.JsonList<ProcessExceptionNote>()).Metadata.SetValueComparer(WaybillDb.ListComparer<ProcessExceptionNote>());
            // The order's active count and the order filter read by order and status.
            p.HasIndex(x => new { x.OrderId, x.Status });
            p.HasIndex(x => x.Status);
        });
}
