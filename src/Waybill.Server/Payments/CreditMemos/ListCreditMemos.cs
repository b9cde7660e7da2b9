using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Payments;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary><c>GET /api/v1/credit-memos?status=&amp;orderId=</c>: newest first, cursor paging.</summary>
public static class ListCreditMemos
{
    public static RouteHandlerBuilder MapListCreditMemos(this RouteGroupBuilder memos) => memos
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListCreditMemos");

    private static readonly Dictionary<string, CreditMemoStatus> StatusesByName =
        Enum.GetValues<CreditMemoStatus>().ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    public static async Task<Ok<Page<CreditMemoResponse>>> Handle(string? status, string? orderId, int? limit, string? cursor, WaybillDb db,
        CancellationToken cancellationToken)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.CreditMemos.AsNoTracking();
        if (status is not null)
        {
            if (!StatusesByName.TryGetValue(status, out var wanted))
                throw new ProblemException(Problems.Validation("status", $"'{status}' is not a credit memo status: {string.Join(", ", StatusesByName.Keys)}."));
            query = query.Where(m => m.Status == wanted);
        }
        if (orderId is not null) query = query.Where(m => m.OrderId == orderId);
        if (page.After is not null) query = query.Where(m => string.Compare(m.Id, page.After) < 0);
        var found = await query.Include(m => m.Lines).OrderByDescending(m => m.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        foreach (var memo in found) memo.RestoreOrder();
        return TypedResults.Ok(page.ToPage(found, m => m.Id, CreditMemoResponse.From));
    }
}
