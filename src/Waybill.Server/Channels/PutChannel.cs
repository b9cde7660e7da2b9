using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Channels;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Channels;

/// <summary>
/// <c>PUT /api/v1/channels/{code}</c> <c>{ "name", "locationGroup" }</c>: an admin registers a sales channel (201) or
/// replaces it (200). The code is the <c>channel</c> its orders carry; the group must exist or be <c>all</c>, and
/// without one the channel sells from <c>all</c>.
/// </summary>
public static class PutChannel
{
    public const string EventType = "channel.upserted";

    public sealed record Request(string? Name, string? LocationGroup, int? MaxSplits);

    public static RouteHandlerBuilder MapPutChannel(this RouteGroupBuilder channels) => channels
        .MapPut("/{code}", Handle)
        .RequireAuthorization(Policies.Admin)
        .WithName("PutChannel")
        .WithSummary("Register or replace a sales channel");

    public static async Task<Results<Created<ChannelResponse>, Ok<ChannelResponse>>> Handle(
        string code, Request request, WaybillDb db, EventOutbox outbox, AuditTrail audit, RequestCommit commit, ChannelGroups channelGroups, IClock clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        Codes.EnsureWellFormed(code);
        var name = request.Name ?? "";
        var groupIsStored = request.LocationGroup is { } wanted && await db.LocationGroups.AnyAsync(g => g.Code == wanted, cancellationToken);
        var path = $"/api/v1/channels/{code}";

        // Two first PUTs of one code may race: the loser's insert breaks the primary key, and it replaces the winner's row.
        for (var attempt = 1; ; attempt++)
        {
            var channel = await db.Channels.FirstOrDefaultAsync(c => c.Code == code, cancellationToken);
            IfMatch.Check(http.Request, channel?.Version);
            var created = channel is null;
            if (channel is null)
            {
                channel = Channel.Create(code, name, request.LocationGroup, groupIsStored, clock.UtcNow, request.MaxSplits);
                db.Channels.Add(channel);
            }
            else channel.Replace(name, request.LocationGroup, groupIsStored, clock.UtcNow, request.MaxSplits);

            var response = ChannelResponse.From(channel);
            outbox.Add(EventType, channel.Code, response);
            audit.Record("channel", channel.Code, created ? "create" : "replace", http.User.Actor(), null, null, null, response);
            try
            {
                await commit.SaveAsync(created ? 201 : 200, response, created ? path : null, cancellationToken);
                channelGroups.Forget(channel.Code);
            }
            catch (DbUpdateException ex) when (created && attempt == 1 && DbErrors.IsUniqueViolation(ex, "channels"))
            {
                db.ChangeTracker.Clear();
                continue;
            }
            http.Response.Headers.ETag = $"\"{channel.Version}\"";
            return created ? TypedResults.Created(path, response) : TypedResults.Ok(response);
        }
    }
}
