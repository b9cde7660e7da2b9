using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary>
/// <c>POST /api/v1/credit-memos/{id}/ensure-refunds</c> → 200 with the credit memo: refunded, or open while a refund is
/// under way or when no payment could take it (a refund process exception then). A refunded memo → 409
/// <c>invalid_transition</c>, nothing refunded (<see cref="CreditMemoRefunds"/>).
/// </summary>
public static class EnsureRefunds
{
    public static RouteHandlerBuilder MapEnsureRefunds(this RouteGroupBuilder memos) => memos
        .MapPost("/{id}/ensure-refunds", Handle)
        .RequireAuthorization(PaymentsModule.MoneyPolicy)
        .WithName("EnsureRefunds");

    public static async Task<Ok<CreditMemoResponse>> Handle(string id, CreditMemoRefunds refunds, RequestCommit commit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var memo = (await refunds.EnsureAsync(id, http.User.Actor(), m => IfMatch.Check(http.Request, m.Version), cancellationToken)).CreditMemo;
        // The work committed in its own transactions (the gateway is called between them); this keeps the answer for a retried key.
        await commit.SaveAsync(200, memo, null, cancellationToken);
        http.Response.Headers.ETag = $"\"{memo.Version}\"";
        return TypedResults.Ok(memo);
    }
}
