using Waybill.Server.Platform;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>
/// The process exceptions' face: <see cref="ProcessExceptions"/> (raise and resolve in the caller's unit of work),
/// <see cref="IProcessExceptionRetry"/> (the retry hook), and the routes under <c>/api/v1/process-exceptions</c>.
/// </summary>
public static class ProcessExceptionsModule
{
    public static IServiceCollection AddProcessExceptions(this IServiceCollection services) => services
        .AddScoped<ProcessExceptions>()
        .AddScoped<ProcessExceptionActions>();

    public static IEndpointRouteBuilder MapProcessExceptions(this IEndpointRouteBuilder routes)
    {
        var exceptions = routes.MapGroup("/api/v1/process-exceptions").WithTags("Process exceptions").WithStandardProblems();
        exceptions.MapRaiseProcessException();
        exceptions.MapListProcessExceptions();
        exceptions.MapGetProcessException();
        exceptions.MapGetProcessExceptionHistory();
        exceptions.MapTriageProcessException();
        exceptions.MapPauseProcessException();
        exceptions.MapResolveProcessException();
        exceptions.MapIgnoreProcessException();
        exceptions.MapVoidProcessException();
        exceptions.MapRetryProcessException();
        return routes;
    }
}
