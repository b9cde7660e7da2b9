using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Imports;

/// <summary><c>GET /api/v1/inventory/imports/{id}</c>: where an import is — poll it until <c>completed</c> or <c>failed</c>.</summary>
public static class GetImport
{
    public static RouteHandlerBuilder MapGetImport(this RouteGroupBuilder inventory) => inventory
        .MapGet("/imports/{id}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetImport")
        .WithSummary("Read a stock import: its status, counts and bad lines");

    public static async Task<Ok<ImportResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var import = await db.StockImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("import", id));
        http.Response.Headers.ETag = $"\"{import.Version}\"";
        return TypedResults.Ok(ImportResponse.From(import));
    }
}
