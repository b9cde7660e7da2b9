using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Channels;

/// <summary><c>GET /api/v1/channels/{code}</c>: one registered channel (an unregistered one is 404, though orders may still name it).</summary>
public static class GetChannel
{
    public static RouteHandlerBuilder MapGetChannel(this RouteGroupBuilder channels) => channels
        .MapGet("/{code}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetChannel");

    public static async Task<Ok<ChannelResponse>> Handle(string code, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        Codes.EnsureWellFormed(code);
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("channel", code));
        http.Response.Headers.ETag = $"\"{channel.Version}\"";
        return TypedResults.Ok(ChannelResponse.From(channel));
    }
}
