using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Waybill.Domain.Common;
using Waybill.Domain.Payments.Mock;

namespace Waybill.Server.Data;

/// <summary>The built-in mock gateway's ledger in the one <see cref="WaybillDb"/>: shared by every node, kept across restarts.</summary>
internal static class PaymentGatewaysModel
{
    extension(WaybillDb db)
    {
        public DbSet<MockGatewayOperation> MockGatewayOperations => db.Set<MockGatewayOperation>();
    }

    public static void ConfigurePaymentGateways(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<MockGatewayOperation>(o =>
        {
            o.ToTable("mock_gateway_operations");
            o.HasKey(x => x.IdempotencyKey);
            o.Property(x => x.IdempotencyKey).HasMaxLength(MockGatewayOperation.KeyMaxLength);
            o.Property(x => x.PaymentReference).HasMaxLength(MockGatewayOperation.ReferenceMaxLength);
            o.Property(x => x.Currency).HasMaxLength(3);
            o.Property(x => x.Reference).HasMaxLength(100);
            o.Property(x => x.Message).HasMaxLength(500);
            o.Property(x => x.Code).HasMaxLength(100);
            // capture|refund|void and success|declined|pending, as the mock's wire format writes them.
            o.Property(x => x.Operation).HasConversion(v => StatusNames.Of(v), v => Enum.Parse<MockOperationKind>(v, true)).HasMaxLength(20);
            o.Property(x => x.Result).HasConversion(new ValueConverter<MockOperationResult, string>(
                v => StatusNames.Of(v), v => Enum.Parse<MockOperationResult>(v, true))).HasMaxLength(20);
            o.Ignore(x => x.IsAnswered);
            o.Ignore(x => x.Behaviour);
            o.Ignore(x => x.Captured);
            o.Ignore(x => x.RefundedOrPromised);
            // The refund check and the ledger's reads: everything the mock did for one authorization.
            o.HasIndex(x => x.PaymentReference);
        });
    }
}
