using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.Invoices;

/// <summary>
/// <c>POST /api/v1/invoices/{id}/ensure-funds</c> → 200 with the invoice: paid, failed with its remaining balance (and a
/// payment process exception), or open while a capture's outcome is pending at the gateway. A paid invoice → 409
/// <c>invalid_transition</c>, nothing captured (<see cref="InvoiceFunding"/>).
/// </summary>
public static class EnsureFunds
{
    public static RouteHandlerBuilder MapEnsureFunds(this RouteGroupBuilder invoices) => invoices
        .MapPost("/{id}/ensure-funds", Handle)
        .RequireAuthorization(PaymentsModule.MoneyPolicy)
        .WithName("EnsureFunds");

    public static async Task<Ok<InvoiceResponse>> Handle(string id, InvoiceFunding funding, RequestCommit commit, HttpContext http, CancellationToken cancellationToken)
    {
        var invoice = await funding.EnsureAsync(id, http.User.Actor(), i => IfMatch.Check(http.Request, i.Version), cancellationToken);
        // The work committed in its own transactions (the gateway is called between them); this keeps the answer for a retried key.
        await commit.SaveAsync(200, invoice, null, cancellationToken);
        http.Response.Headers.ETag = $"\"{invoice.Version}\"";
        return TypedResults.Ok(invoice);
    }
}
