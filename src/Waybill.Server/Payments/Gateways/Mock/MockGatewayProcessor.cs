using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Waybill.Domain.Common;
using Waybill.Domain.Payments.Mock;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments.Gateways.Mock;

/// <summary>What one try of a request came to: the wire outcome and the ledger row (null when the key was reused).</summary>
public sealed record MockGatewayTry(MockTryOutcome Outcome, MockGatewayOperation? Operation)
{
    public bool KeyReused => Operation is null;
}

/// <summary>
/// The mock gateway's back office: one try of a capture, refund or void against its ledger, in one transaction — the
/// ledger row, and for a pending answer (or a capture its script disputes) the notification job, commit before the answer
/// leaves. So a repeat of the key (on any node, after a restart) finds the work done, and a crash after answering still
/// delivers.
/// </summary>
public sealed class MockGatewayProcessor(
    WaybillDb db, RequestCommit commit, JobScheduler jobs, IIdGenerator ids, IClock clock, IOptions<MockGatewayOptions> options)
{
    public async Task<MockGatewayTry> TryAsync(string idempotencyKey, MockOperationKind operation, string paymentReference, decimal amount,
        string currency, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await commit.InTransactionAsync(
                    () => OnceAsync(idempotencyKey, operation, paymentReference, amount, currency, cancellationToken), cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < 3 && DbErrors.IsUniqueViolation(ex, "mock_gateway_operations"))
            {
                // A twin try with the same key inserted first: this one starts over and finds its row.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<MockGatewayTry> OnceAsync(string idempotencyKey, MockOperationKind kind, string paymentReference, decimal amount,
        string currency, CancellationToken cancellationToken)
    {
        await LockAsync(paymentReference, cancellationToken);
        var operation = await db.MockGatewayOperations.FirstOrDefaultAsync(o => o.IdempotencyKey == idempotencyKey, cancellationToken);
        if (operation is null)
        {
            operation = MockGatewayOperation.Receive(idempotencyKey, kind, paymentReference, amount, currency, clock.UtcNow);
            db.MockGatewayOperations.Add(operation);
        }
        else if (!operation.IsSameRequest(kind, paymentReference, amount, currency))
        {
            return new MockGatewayTry(MockTryOutcome.Answered, null);
        }
        else
        {
            operation.TryAgain();
        }

        var wasAnswered = operation.IsAnswered;
        var refundable = kind == MockOperationKind.Refund && !wasAnswered ? await RefundableAsync(paymentReference, cancellationToken) : 0m;
        var outcome = operation.Perform(ReferenceFor(kind), refundable, clock.UtcNow);
        // What the mock reports later (a pending result, a scripted dispute or chargeback) is scheduled with the work, so
        // a crash after answering still delivers it; a repeat of the key schedules nothing more.
        if (!wasAnswered && operation.NoticeToSend is { } notice)
            jobs.Schedule(MockGatewayNotifications.JobKind, new MockGatewayNotifications.Payload(operation.IdempotencyKey, "ntf_" + ids.NewId(), notice),
                clock.UtcNow + options.Value.AsyncDelay, subject: operation.PaymentReference);
        await db.SaveChangesAsync(cancellationToken);
        return new MockGatewayTry(outcome, operation);
    }

    /// <summary>
    /// Holds the authorization's lock for the rest of the transaction: its refund check and its tries go one at a time
    /// (a PostgreSQL advisory lock on the reference's hash; SQLite transactions already run one at a time).
    /// </summary>
    public async Task LockAsync(string paymentReference, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return;
        var key = "mock_gateway/" + paymentReference;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
    }

    private async Task<decimal> RefundableAsync(string paymentReference, CancellationToken cancellationToken)
    {
        var done = await db.MockGatewayOperations.AsNoTracking()
            .Where(o => o.PaymentReference == paymentReference && o.Operation != MockOperationKind.Void && o.Result != null)
            .ToListAsync(cancellationToken);
        // A payment the mock never captured was captured at checkout, by the channel: the mock cannot know how much, so it
        // leaves the check to Waybill rather than refuse a refund of money it never saw.
        if (!done.Any(o => o.Operation == MockOperationKind.Capture)) return decimal.MaxValue;
        return done.Where(o => o.Captured).Sum(o => o.Amount) - done.Where(o => o.RefundedOrPromised).Sum(o => o.Amount);
    }

    private string ReferenceFor(MockOperationKind kind) => kind switch
    {
        MockOperationKind.Capture => "mock_cap_",
        MockOperationKind.Refund => "mock_ref_",
        _ => "mock_void_",
    } + ids.NewId();
}
