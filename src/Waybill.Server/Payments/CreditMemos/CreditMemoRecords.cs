using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary>Loading credit memos and writing their changes to the outbox (subject: the order) and the history.</summary>
public static class CreditMemoRecords
{
    public static async Task<CreditMemo?> FindAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        var memo = await db.CreditMemos.Include(m => m.Lines).FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        memo?.RestoreOrder();
        return memo;
    }

    public static async Task<CreditMemo> LoadAsync(WaybillDb db, string id, CancellationToken cancellationToken) =>
        await FindAsync(db, id, cancellationToken) ?? throw new ProblemException(Problems.NotFound("credit memo", id));

    /// <summary>The credit memos some refund interactions were for, tracked, with their status as loaded.</summary>
    public static async Task<Dictionary<string, (CreditMemo Memo, CreditMemoStatus Before)>> ForInteractionsAsync(WaybillDb db,
        IEnumerable<PaymentInteraction> interactions, CancellationToken cancellationToken)
    {
        var memos = new Dictionary<string, (CreditMemo, CreditMemoStatus)>(StringComparer.Ordinal);
        foreach (var id in interactions.Select(i => i.CreditMemoId).OfType<string>().Distinct())
        {
            var memo = await LoadAsync(db, id, cancellationToken);
            memos[id] = (memo, memo.Status);
        }
        return memos;
    }

    /// <summary>What the order's credit memos give back in all, refunded or not: billed money the order no longer asks for.</summary>
    public static async Task<decimal> CreditedAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        await db.CreditMemos.Where(m => m.OrderId == orderId).SumAsync(m => (decimal?)m.TotalAmount, cancellationToken) ?? 0m;

    /// <summary>
    /// The order's credit memos as responses, oldest first. An order with no change that can credit (a return, an
    /// appeasement, a fee) has none, and is answered without a query.
    /// </summary>
    public static async Task<IReadOnlyList<object>> ResponsesOfOrderAsync(WaybillDb db, Order order, CancellationToken cancellationToken)
    {
        if (order.FeeAmount == 0 && !order.Lines.Any(l => l.QuantityReturned > 0 || l.ChangedAdjustmentAmount != 0)) return [];
        var memos = await db.CreditMemos.AsNoTracking().Include(m => m.Lines).Where(m => m.OrderId == order.Id).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        // The memo being saved in this unit of work is not in the database yet.
        memos.AddRange(db.CreditMemos.Local.Where(m => m.OrderId == order.Id && memos.All(s => s.Id != m.Id)));
        return [.. memos.Select(m =>
        {
            m.RestoreOrder();
            return (object)CreditMemoResponse.From(m);
        })];
    }

    public static void RecordEvents(CreditMemo memo, EventOutbox outbox, AuditTrail audit, string actor, CreditMemoStatus? previous)
    {
        ArgumentNullException.ThrowIfNull(memo);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(audit);
        if (memo.Events.Count > 0)
        {
            var response = CreditMemoResponse.From(memo);
            foreach (var type in memo.Events) outbox.Add(type, memo.OrderId, response);
            audit.Record("credit_memo", memo.Id, "create", actor, null, StatusNames.Of(memo.Status), null, new { memo.TotalAmount, memo.ChangeOrderId });
            memo.ClearEvents();
        }
        else if (previous is { } before && before != memo.Status)
        {
            audit.Record("credit_memo", memo.Id, "refund", actor, StatusNames.Of(before), StatusNames.Of(memo.Status), null, null);
        }
    }
}
