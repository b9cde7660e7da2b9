using Microsoft.AspNetCore.Http.Features;

namespace Waybill.Server.Platform;

/// <summary>JSON bodies over 4 MiB are refused from their Content-Length, before a byte of them is read.</summary>
public static class RequestLimits
{
    public const long JsonBodyLimit = 4L * 1024 * 1024;
    public const long ImportBodyLimit = 1L * 1024 * 1024 * 1024;

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.Request.Path.StartsWithSegments("/api/v1/inventory/imports") ? ImportBodyLimit : JsonBodyLimit;
        if (context.Request.ContentLength > limit)
        {
            await Problems.Write(context, Problems.PayloadTooLarge(limit));
            return;
        }
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        await next(context);
    });
}
