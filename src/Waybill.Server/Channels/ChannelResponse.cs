using Waybill.Domain.Channels;

namespace Waybill.Server.Channels;

/// <summary>A channel as the API returns it, and as <c>channel.upserted</c> carries it. <c>locationGroup</c> null sells from <c>all</c>.</summary>
public sealed record ChannelResponse(
    string Code,
    string Name,
    string? LocationGroup,
    int? MaxSplits,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ChannelResponse From(Channel channel) =>
        new(channel.Code, channel.Name, channel.LocationGroup, channel.MaxSplits, channel.Version, channel.CreatedAt, channel.UpdatedAt);
}
