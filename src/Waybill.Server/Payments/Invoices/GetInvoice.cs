using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Payments.Invoices;

/// <summary><c>GET /api/v1/invoices/{id}</c>, with its version as the ETag.</summary>
public static class GetInvoice
{
    public static RouteHandlerBuilder MapGetInvoice(this RouteGroupBuilder invoices) => invoices
        .MapGet("/{id}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetInvoice");

    public static async Task<Ok<InvoiceResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var invoice = await InvoiceRecords.LoadAsync(db, id, cancellationToken);
        http.Response.Headers.ETag = $"\"{invoice.Version}\"";
        return TypedResults.Ok(InvoiceResponse.From(invoice));
    }
}
