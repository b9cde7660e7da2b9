using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Webhooks;

namespace Waybill.Server.Data;

/// <summary>Webhook subscriptions and their delivery log in the one <see cref="WaybillDb"/>.</summary>
internal static class WebhooksModel
{
    extension(WaybillDb db)
    {
        public DbSet<WebhookSubscription> WebhookSubscriptions => db.Set<WebhookSubscription>();
        public DbSet<WebhookDelivery> WebhookDeliveries => db.Set<WebhookDelivery>();
    }

    public static void ConfigureWebhooks(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WebhookSubscription>(s =>
        {
            s.ToTable("webhook_subscriptions");
            s.HasKey(x => x.Id);
            s.Property(x => x.Url).HasMaxLength(WebhookSubscription.UrlMaxLength);
            s.Property(x => x.Secret).HasMaxLength(200);
            s.Ignore(x => x.Events);
            s.Ignore(x => x.IsDeleted);
            s.Property<List<string>>("_events").HasColumnName("events")
                .HasConversion(WaybillDb.JsonList<string>()).Metadata.SetValueComparer(WaybillDb.ListComparer<string>());
        });

        modelBuilder.Entity<WebhookDelivery>(d =>
        {
            d.ToTable("webhook_deliveries");
            d.HasKey(x => x.Id);
            d.Property(x => x.Version).IsConcurrencyToken();
            d.Property(x => x.EventId).HasMaxLength(100);
            d.Property(x => x.EventType).HasMaxLength(100);
            d.Property(x => x.Subject).HasMaxLength(100);
            d.Property(x => x.Origin).HasMaxLength(200);
            d.Property(x => x.FailureReason).HasMaxLength(500);
            d.Ignore(x => x.Attempts);
            d.Ignore(x => x.IsPending);
            d.Property<List<WebhookAttempt>>("_attempts").HasColumnName("attempts")
                .HasConversion(WaybillDb.JsonList<WebhookAttempt>()).Metadata.SetValueComparer(WaybillDb.ListComparer<WebhookAttempt>());
            d.HasOne<WebhookSubscription>().WithMany().HasForeignKey(x => x.SubscriptionId);
            // The stream check: an older pending delivery of the same subscription and subject.
            d.HasIndex(x => new { x.SubscriptionId, x.Subject, x.Status });
            // The delivery log, newest first.
            d.HasIndex(x => new { x.SubscriptionId, x.Id });
            // The consumer's repeat check (at-least-once dispatch).
            d.HasIndex(x => x.EventId);
        });
    }
}
