namespace Waybill.Server.Platform;

/// <summary>
/// Routing answers some requests itself, with a bare status: no endpoint for the path (404), none for the method (405),
/// none for the Content-Type (415). Under <c>/api</c> they get the problem body every error has.
/// </summary>
/// <remarks>
/// This is a middleware, not a catch-all route on purpose: routing sends a request without a Content-Type only to the
/// endpoints that accept any content type, so a catch-all endpoint would take every bodyless POST to an endpoint with
/// an (optional) JSON body — <c>POST /reservations/{id}/release</c> with no body would be a 404.
/// </remarks>
public static class RoutingProblems
{
    public static IApplicationBuilder UseRoutingProblems(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        var response = context.Response;
        if (response.HasStarted || response.ContentType is not null || !context.Request.Path.StartsWithSegments("/api")) return;
        var problem = response.StatusCode switch
        {
            StatusCodes.Status404NotFound when context.GetEndpoint() is null => Problems.NotFound(),
            StatusCodes.Status405MethodNotAllowed => Problems.Create(405, "method_not_allowed", "This path does not take this method.",
                $"{context.Request.Method} is not served here; the Allow header lists what is."),
            StatusCodes.Status415UnsupportedMediaType => Problems.Create(415, "unsupported_media_type", "Send JSON.", "Use 'Content-Type: application/json'."),
            _ => null,
        };
        if (problem is not null) await Problems.Write(context, problem);
    });
}
