using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Payments.Mock;
using Waybill.Server.Data;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>Reads the mock gateway's ledger: what it really captured and refunded, for tests, demos and the benchmark.</summary>
public sealed class MockGatewayLedger(WaybillDb db)
{
    /// <summary>Every request the mock received for the authorization, oldest first.</summary>
    public async Task<IReadOnlyList<MockGatewayOperation>> OperationsAsync(string paymentReference, CancellationToken cancellationToken = default) =>
        (await db.MockGatewayOperations.AsNoTracking().Where(o => o.PaymentReference == paymentReference).ToListAsync(cancellationToken))
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.IdempotencyKey, StringComparer.Ordinal).ToList();

    public async Task<decimal> CapturedAsync(string paymentReference, CancellationToken cancellationToken = default) =>
        (await OperationsAsync(paymentReference, cancellationToken)).Where(o => o.Captured).Sum(o => o.Amount);

    /// <summary>What was refunded (a refund still pending is not counted).</summary>
    public async Task<decimal> RefundedAsync(string paymentReference, CancellationToken cancellationToken = default) =>
        (await OperationsAsync(paymentReference, cancellationToken))
            .Where(o => o.Operation == MockOperationKind.Refund && o.Result == MockOperationResult.Success).Sum(o => o.Amount);

    public async Task<decimal> VoidedAsync(string paymentReference, CancellationToken cancellationToken = default) =>
        (await OperationsAsync(paymentReference, cancellationToken))
            .Where(o => o.Operation == MockOperationKind.Void && o.Result == MockOperationResult.Success).Sum(o => o.Amount);
}
