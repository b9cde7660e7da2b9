using Waybill.Server.Platform;

namespace Waybill.Server.Channels;

/// <summary>The Channels module's face: the sales channels orders come from, and the location group each sells from.</summary>
public static class ChannelsModule
{
    public static IServiceCollection AddChannels(this IServiceCollection services) => services.AddSingleton<ChannelGroups>();

    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder routes)
    {
        var channels = routes.MapGroup("/api/v1/channels").WithTags("Channels").WithStandardProblems();
        channels.MapPutChannel();
        channels.MapListChannels();
        channels.MapGetChannel();
        return routes;
    }
}
