using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Channels;

/// <summary><c>GET /api/v1/channels</c>: the registered channels in code order, a page at a time.</summary>
public static class ListChannels
{
    public static RouteHandlerBuilder MapListChannels(this RouteGroupBuilder channels) => channels
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("ListChannels");

    public static async Task<Ok<Page<ChannelResponse>>> Handle(WaybillDb db, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.Channels.AsNoTracking();
        if (page.After is not null) query = query.Where(c => string.Compare(c.Code, page.After) > 0);
        var channels = await query.OrderBy(c => c.Code).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(channels, c => c.Code, ChannelResponse.From));
    }
}
