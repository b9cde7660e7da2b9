using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary><c>GET /api/v1/process-exceptions/{id}</c>.</summary>
public static class GetProcessException
{
    public static RouteHandlerBuilder MapGetProcessException(this RouteGroupBuilder exceptions) => exceptions
        .MapGet("/{id}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetProcessException");

    public static async Task<Ok<ProcessExceptionResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var exception = await db.ProcessExceptions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("process exception", id));
        http.Response.Headers.ETag = $"\"{exception.Version}\"";
        return TypedResults.Ok(ProcessExceptionResponse.From(exception));
    }
}
