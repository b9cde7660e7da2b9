namespace Waybill.Server.Platform.Jobs;

/// <summary>
/// Runs the jobs of one <see cref="Kind"/>. Registered in DI by the module that owns the work
/// (<see cref="JobsRegistration.AddJobHandler{THandler}"/>); each run gets its own DI scope, so a handler may take the
/// <c>WaybillDb</c> and save its own changes.
/// </summary>
/// <remarks>
/// At least once: a node that dies mid-run, or a run longer than the lease, means the job is run again. A handler makes
/// a second run harmless (check state before acting; conditional updates).
/// </remarks>
public interface IJobHandler
{
    string Kind { get; }

    /// <summary>Does the work. Throwing retries the job after a backoff; <see cref="JobGiveUpException"/> fails it now.</summary>
    Task HandleAsync(Job job, CancellationToken cancellationToken);

    /// <summary>How many starts before the job is <c>failed</c>; null for the configured <c>Jobs:MaxAttempts</c>.</summary>
    int? MaxAttempts => null;
}

/// <summary>Thrown by a handler when trying again cannot help (bad payload, the subject is gone): the job fails at once.</summary>
public sealed class JobGiveUpException(string message, Exception? innerException = null) : Exception(message, innerException);

public static class JobsRegistration
{
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services) where THandler : class, IJobHandler =>
        services.AddScoped<IJobHandler, THandler>();
}
