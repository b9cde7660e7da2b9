using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.CreditMemos;

/// <summary><c>GET /api/v1/credit-memos/{id}</c>, with its version as the ETag.</summary>
public static class GetCreditMemo
{
    public static RouteHandlerBuilder MapGetCreditMemo(this RouteGroupBuilder memos) => memos
        .MapGet("/{id}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetCreditMemo");

    public static async Task<Ok<CreditMemoResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var memo = await CreditMemoRecords.LoadAsync(db, id, cancellationToken);
        http.Response.Headers.ETag = $"\"{memo.Version}\"";
        return TypedResults.Ok(CreditMemoResponse.From(memo));
    }
}
