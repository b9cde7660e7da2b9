using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Waybill.Domain.Common;
using Waybill.Domain.Customers;
using Waybill.Domain.Orders;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Data;

/// <summary>
/// The one unit of work. Each provider has a subclass (<see cref="SqliteWaybillDb"/>, <see cref="PostgresWaybillDb"/>)
/// only so each can keep its own migrations; the model is the same.
/// </summary>
public abstract class WaybillDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<DeliveryGroup> DeliveryGroups => Set<DeliveryGroup>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<PaymentSummary> PaymentSummaries => Set<PaymentSummary>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<Inventory.Stock.StockLevel> StockLevels => Set<Inventory.Stock.StockLevel>();
    public DbSet<Inventory.Stock.GroupStock> GroupStock => Set<Inventory.Stock.GroupStock>();
    public DbSet<Domain.Inventory.Reservation> Reservations => Set<Domain.Inventory.Reservation>();
    public DbSet<Domain.Inventory.StockImport> StockImports => Set<Domain.Inventory.StockImport>();
    public DbSet<Inventory.Stock.AppliedImportRecord> AppliedImportRecords => Set<Inventory.Stock.AppliedImportRecord>();

    public abstract bool IsPostgres { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
        configurationBuilder.Properties<decimal>().HavePrecision(19, 4);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(c =>
        {
            c.HasKey(x => x.Id);
            c.HasIndex(x => x.EmailKey).IsUnique();
            c.HasIndex(x => x.ExternalId).IsUnique().HasFilter("external_id IS NOT NULL");
        });

        modelBuilder.Entity<Order>(o =>
        {
            o.HasKey(x => x.Id);
            o.Property(x => x.Version).IsConcurrencyToken();
            o.HasIndex(x => new { x.Channel, x.ExternalReference }).IsUnique();
            o.HasIndex(x => x.OrderNumber).IsUnique();
            o.HasIndex(x => x.CustomerId);
            o.HasIndex(x => x.CapturedBy);
            // An exchange order points at the order whose returned units pay for it (decision 0037).
            o.HasIndex(x => x.OriginalOrderId);
            o.HasOne<Order>().WithMany().HasForeignKey(x => x.OriginalOrderId);
            o.HasIndex(x => x.Status);
            o.Property(x => x.BillingAddress).HasConversion(Json<Address?>()).Metadata.SetValueComparer(Comparer<Address?>());
            o.Ignore(x => x.OrderAdjustments);
            o.Property<List<OrderAdjustment>>("_orderAdjustments").HasColumnName("order_adjustments")
                .HasConversion(JsonList<OrderAdjustment>()).Metadata.SetValueComparer(ListComparer<OrderAdjustment>());
            o.HasMany(x => x.DeliveryGroups).WithOne().HasForeignKey(g => g.OrderId);
            o.Navigation(x => x.DeliveryGroups).HasField("_deliveryGroups");
            o.HasMany(x => x.Payments).WithOne().HasForeignKey(p => p.OrderId);
            o.Navigation(x => x.Payments).HasField("_payments");
            o.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId);
            o.Ignore(x => x.Currency);
            o.Ignore(x => x.Totals);
            o.Ignore(x => x.PaymentStatus);
            o.Ignore(x => x.Events);
            o.Ignore(x => x.Lines);
            o.Ignore(x => x.ProductLines);
            o.Ignore(x => x.RoutableLines);
        });

        modelBuilder.Entity<DeliveryGroup>(g =>
        {
            g.HasKey(x => x.Id);
            g.Property(x => x.ShipToKey).HasMaxLength(500);
            g.HasIndex(x => x.ShipToKey);
            g.OwnsOne(x => x.DeliveryMethod, m =>
            {
                m.Property(x => x.Code).HasColumnName("delivery_method_code");
                m.Property(x => x.Type).HasColumnName("delivery_method_type");
                m.Property(x => x.LocationCode).HasColumnName("delivery_method_location_code");
            });
            g.Property(x => x.ShippingAddress).HasConversion(Json<Address>()).Metadata.SetValueComparer(Comparer<Address>());
            g.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.DeliveryGroupId);
            g.Navigation(x => x.Lines).HasField("_lines");
            g.Ignore(x => x.ProductLines);
        });

        modelBuilder.Entity<OrderLine>(l =>
        {
            l.HasKey(x => x.Id);
            l.HasIndex(x => x.Sku);
            l.Ignore(x => x.Adjustments);
            l.Ignore(x => x.Taxes);
            l.Property<List<LineAdjustment>>("_adjustments").HasColumnName("adjustments")
                .HasConversion(JsonList<LineAdjustment>()).Metadata.SetValueComparer(ListComparer<LineAdjustment>());
            l.Property<List<LineTax>>("_taxes").HasColumnName("taxes")
                .HasConversion(JsonList<LineTax>()).Metadata.SetValueComparer(ListComparer<LineTax>());
            l.Ignore(x => x.Status);
            // The captured figure keeps its column; the current one is derived (original + change orders).
            l.Property(x => x.OriginalLineAmount).HasColumnName("line_amount");
            l.Ignore(x => x.LineAmount);
            l.Ignore(x => x.OriginalAdjustmentAmount);
            l.Ignore(x => x.OriginalTaxAmount);
            l.Ignore(x => x.AdjustmentAmount);
            l.Ignore(x => x.AdjustedAmount);
            l.Ignore(x => x.TaxAmount);
            l.Ignore(x => x.QuantityNetOrdered);
            l.Ignore(x => x.QuantityAvailableToFulfill);
            l.Ignore(x => x.QuantityAvailableToCancel);
            l.Ignore(x => x.QuantityAvailableToReturn);
            l.Ignore(x => x.QuantitiesAreConsistent);
            l.Ignore(x => x.ReturnedUnits);
            l.Ignore(x => x.Appeasements);
            l.Property<List<UnitAdjustment>>("_appeasements").HasColumnName("appeasements")
                .HasConversion(JsonList<UnitAdjustment>()).Metadata.SetValueComparer(ListComparer<UnitAdjustment>());
        });

        modelBuilder.Entity<PaymentSummary>(p =>
        {
            p.HasKey(x => x.Id);
            p.Ignore(x => x.AvailableToCapture);
            p.Ignore(x => x.AvailableToRefund);
        });

        modelBuilder.Entity<ApiKey>(k =>
        {
            k.HasKey(x => x.Id);
            k.HasIndex(x => x.SecretHash).IsUnique();
            k.Property(x => x.Locations).HasConversion(JsonList<string>()).Metadata.SetValueComparer(ListComparer<string>());
        });

        modelBuilder.Entity<OutboxEvent>(e =>
        {
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedOnAdd();
            e.HasIndex(x => x.Subject);
            // The feed's order on PostgreSQL (decision 0003): writing transaction, then sequence.
            e.HasIndex(x => new { x.TransactionId, x.Sequence });
        });

        modelBuilder.Entity<AuditEntry>(a =>
        {
            a.HasKey(x => x.Sequence);
            a.Property(x => x.Sequence).ValueGeneratedOnAdd();
            a.HasIndex(x => new { x.EntityType, x.EntityId, x.Sequence });
        });

        modelBuilder.Entity<IdempotencyRecord>(r =>
        {
            r.HasKey(x => new { x.ApiKeyId, x.Path, x.Key });
            r.HasIndex(x => x.CreatedAt);
        });

        modelBuilder.Entity<Counter>(c => c.HasKey(x => x.Name));
        modelBuilder.ConfigureInventory();
        modelBuilder.ConfigureLocations();
        modelBuilder.ConfigureWork();
        modelBuilder.ConfigureProcessExceptions();
        modelBuilder.ConfigureWebhooks();
        modelBuilder.ConfigureFlows();
        modelBuilder.ConfigureFulfillment();
        modelBuilder.ConfigurePaymentGateways();
        modelBuilder.ConfigurePayments();
        modelBuilder.ConfigureChanges();
        modelBuilder.ConfigureReturns();
    }

    internal static ValueConverter<T, string> Json<T>() => new(
        v => JsonSerializer.Serialize(v, WaybillJson.Options),
        v => JsonSerializer.Deserialize<T>(v, WaybillJson.Options)!);

    internal static ValueConverter<List<T>, string> JsonList<T>() => new(
        v => JsonSerializer.Serialize(v, WaybillJson.Options),
        v => JsonSerializer.Deserialize<List<T>>(v, WaybillJson.Options) ?? new List<T>());

    internal static ValueComparer<T> Comparer<T>() => new(
        (a, b) => Equals(a, b),
        v => v == null ? 0 : v.GetHashCode(),
        v => v);

    internal static ValueComparer<List<T>> ListComparer<T>() => new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
        v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)),
        v => v.ToList());
}

public sealed class SqliteWaybillDb(DbContextOptions<SqliteWaybillDb> options) : WaybillDb(options)
{
    public override bool IsPostgres => false;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no date type: store UTC ticks, exact and orderable, so ordering and range filters run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }
}

public sealed class PostgresWaybillDb(DbContextOptions<PostgresWaybillDb> options) : WaybillDb(options)
{
    public override bool IsPostgres => true;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // The writing transaction's id: the event feed only hands out events older than every transaction still running,
        // so a reader never skips an event that commits after a later-numbered one.
        modelBuilder.Entity<OutboxEvent>().Property(x => x.TransactionId).HasDefaultValueSql("(pg_current_xact_id()::text::bigint)");
        modelBuilder.HasSequence<long>("order_numbers").IncrementsBy(OrderNumbers.BlockSize);
    }
}

/// <summary>A timestamp as its UTC ticks (SQLite); every timestamp Waybill keeps is UTC.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
