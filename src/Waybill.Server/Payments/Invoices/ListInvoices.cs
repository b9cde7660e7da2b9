using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.Invoices;

/// <summary><c>GET /api/v1/invoices?status=&amp;orderId=</c>: newest first, cursor paging.</summary>
public static class ListInvoices
{
    public static RouteHandlerBuilder MapListInvoices(this RouteGroupBuilder invoices) => invoices
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListInvoices");

    private static readonly Dictionary<string, InvoiceStatus> StatusesByName =
        Enum.GetValues<InvoiceStatus>().ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    public static async Task<Ok<Page<InvoiceResponse>>> Handle(string? status, string? orderId, int? limit, string? cursor, WaybillDb db,
        CancellationToken cancellationToken)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.Invoices.AsNoTracking();
        if (status is not null)
        {
            if (!StatusesByName.TryGetValue(status, out var wanted))
                throw new ProblemException(Problems.Validation("status", $"'{status}' is not an invoice status: {string.Join(", ", StatusesByName.Keys)}."));
            query = query.Where(i => i.Status == wanted);
        }
        if (orderId is not null) query = query.Where(i => i.OrderId == orderId);
        if (page.After is not null) query = query.Where(i => string.Compare(i.Id, page.After) < 0);
        var found = await query.Include(i => i.Lines).OrderByDescending(i => i.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        foreach (var invoice in found) invoice.RestoreOrder();
        return TypedResults.Ok(page.ToPage(found, i => i.Id, InvoiceResponse.From));
    }
}
