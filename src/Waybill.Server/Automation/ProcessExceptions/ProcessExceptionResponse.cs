using Waybill.Domain.Automation;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>A process exception as the API returns it (api.md "Automation"), and as its events carry it.</summary>
public sealed record ProcessExceptionResponse(
    string Id,
    string? OrderId,
    ProcessExceptionCategory Category,
    ProcessExceptionSeverity Severity,
    int Priority,
    ProcessExceptionStatus Status,
    string Message,
    IReadOnlyList<ProcessExceptionNote> Notes,
    bool Retryable,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt)
{
    public static ProcessExceptionResponse From(ProcessException e) => new(
        e.Id, e.OrderId, e.Category, e.Severity, e.Priority, e.Status, e.Message, [.. e.Notes],
        e.IsOpen && e.RetryReference is not null, e.Version, e.CreatedAt, e.UpdatedAt, e.ClosedAt);
}
