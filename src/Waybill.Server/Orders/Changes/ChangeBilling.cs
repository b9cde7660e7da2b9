using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Payments.CreditMemos;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Platform;

namespace Waybill.Server.Orders.Changes;

/// <summary>What a change bills or credits: a credit memo when it owes the customer, an invoice when its fees leave the customer owing.</summary>
public sealed record ChangeBilling(CreditMemo? CreditMemo, Invoice? Invoice)
{
    /// <summary>The documents of a change, computed (a preview saves them nowhere).</summary>
    public static ChangeBilling Of(IIdGenerator ids, Order order, ChangeOrder change, IReadOnlySet<string> billedCharges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var memo = CreditMemo.ForChange(ids.NewId(), order, change, billedCharges, now);
        return new ChangeBilling(memo, memo is null ? Invoice.ForChange(ids.NewId(), order, change, billedCharges, now) : null);
    }

    /// <summary>Adds the documents to the change's unit of work — before the order's response is built, so it lists them.</summary>
    public void Add(WaybillDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (CreditMemo is { } memo) db.CreditMemos.Add(memo);
        if (Invoice is { } invoice) db.Invoices.Add(invoice);
    }

    /// <summary>Their events (<c>credit_memo.created</c>, <c>invoice.created</c>) and history, after the order's own.</summary>
    public void RecordEvents(EventOutbox outbox, AuditTrail audit, string actor)
    {
        if (CreditMemo is { } memo) CreditMemoRecords.RecordEvents(memo, outbox, audit, actor, null);
        if (Invoice is { } invoice) InvoiceRecords.RecordEvents(invoice, outbox, audit, actor, null);
    }
}
