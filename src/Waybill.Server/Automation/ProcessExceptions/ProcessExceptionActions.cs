using Waybill.Domain.Automation;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>The body of every action: an optional note, kept on the exception with who wrote it.</summary>
public sealed record ProcessExceptionActionRequest(string? Note);

/// <summary>What every process exception action does around the domain call: load, check If-Match, act, record, save.</summary>
public sealed class ProcessExceptionActions(ProcessExceptions exceptions, RequestCommit commit, IClock clock, IHttpContextAccessor http)
{
    public async Task<ProcessExceptionResponse> RunAsync(string id, Action<ProcessException, string, DateTimeOffset> act, CancellationToken cancellationToken)
    {
        var context = http.HttpContext!;
        var exception = await exceptions.LoadAsync(id, cancellationToken);
        IfMatch.Check(context.Request, exception.Version);
        var actor = context.User.Actor();
        act(exception, actor, clock.UtcNow);
        exceptions.Record(exception, actor);
        var response = ProcessExceptionResponse.From(exception);
        await commit.SaveAsync(200, response, null, cancellationToken);
        context.Response.Headers.ETag = $"\"{exception.Version}\"";
        return response;
    }
}
