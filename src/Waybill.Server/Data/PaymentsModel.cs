using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Payments;

namespace Waybill.Server.Data;

/// <summary>How invoices, credit memos and the payment interaction log are stored.</summary>
internal static class PaymentsModel
{
    extension(WaybillDb db)
    {
        public DbSet<Invoice> Invoices => db.Set<Invoice>();
        public DbSet<CreditMemo> CreditMemos => db.Set<CreditMemo>();
        public DbSet<PaymentInteraction> PaymentInteractions => db.Set<PaymentInteraction>();
    }

    public static void ConfigurePayments(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Invoice>(i =>
        {
            i.ToTable("invoices");
            i.HasKey(x => x.Id);
            i.Property(x => x.Version).IsConcurrencyToken();
            i.Property(x => x.CurrencyCode).HasMaxLength(3);
            i.HasIndex(x => x.OrderId);
            // A shipment is invoiced once: a second try of "create the invoice" finds the first.
            i.HasIndex(x => x.ShipmentId).IsUnique().HasFilter("shipment_id IS NOT NULL");
            // The finance work list and the ERP export: invoices by status, by period.
            i.HasIndex(x => new { x.Status, x.CreatedAt });
            i.HasIndex(x => x.CreatedAt);
            i.HasOne<Domain.Orders.Order>().WithMany().HasForeignKey(x => x.OrderId);
            i.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.InvoiceId);
            i.Navigation(x => x.Lines).HasField("_lines");
            i.Ignore(x => x.Balance);
            i.Ignore(x => x.Events);
        });

        modelBuilder.Entity<InvoiceLine>(l =>
        {
            l.ToTable("invoice_lines");
            l.HasKey(x => new { x.InvoiceId, x.Position });
            // Units already invoiced of an order line (where the next shipment's invoice starts) come from the index below.
            // A unit is billed once: two invoices racing for the same units (two shipments of one line invoiced at once, both
            // reading the same count) start at the same unit, and the second cannot commit. A change's invoice bills no units.
            l.HasIndex(x => new { x.OrderLineId, x.FirstUnit }).IsUnique().HasFilter("first_unit >= 0");
        });

        modelBuilder.Entity<CreditMemo>(m =>
        {
            m.ToTable("credit_memos");
            m.HasKey(x => x.Id);
            m.Property(x => x.Version).IsConcurrencyToken();
            m.Property(x => x.CurrencyCode).HasMaxLength(3);
            m.HasIndex(x => x.OrderId);
            // A change order owes back once: a retried submit finds the first memo.
            m.HasIndex(x => x.ChangeOrderId).IsUnique();
            m.HasIndex(x => new { x.Status, x.CreatedAt });
            m.HasIndex(x => x.CreatedAt);
            m.HasOne<Domain.Orders.Order>().WithMany().HasForeignKey(x => x.OrderId);
            m.HasOne<Domain.Orders.ChangeOrder>().WithMany().HasForeignKey(x => x.ChangeOrderId);
            m.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.CreditMemoId);
            m.Navigation(x => x.Lines).HasField("_lines");
            m.Ignore(x => x.Balance);
            m.Ignore(x => x.Events);
        });

        modelBuilder.Entity<CreditMemoLine>(l =>
        {
            l.ToTable("credit_memo_lines");
            l.HasKey(x => new { x.CreditMemoId, x.Position });
            l.Property(x => x.Reason).HasMaxLength(64);
        });

        modelBuilder.Entity<PaymentInteraction>(p =>
        {
            p.ToTable("payment_interactions");
            p.HasKey(x => x.Id);
            p.Property(x => x.Version).IsConcurrencyToken();
            p.Property(x => x.Gateway).HasMaxLength(40);
            p.Property(x => x.GatewayReference).HasMaxLength(200);
            p.Property(x => x.Message).HasMaxLength(1000);
            p.Property(x => x.Code).HasMaxLength(64);
            p.HasIndex(x => new { x.OrderId, x.RequestedAt });
            // Calls still open (unanswered, or pending a notification): the settle job and ensure-funds look for them.
            p.HasIndex(x => new { x.Result, x.RequestedAt });
            p.HasOne<Domain.Orders.Order>().WithMany().HasForeignKey(x => x.OrderId);
            p.Ignore(x => x.IsOpen);
        });
    }
}
