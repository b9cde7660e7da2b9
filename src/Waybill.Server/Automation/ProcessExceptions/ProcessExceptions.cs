using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation;
using Waybill.Domain.Common;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.ProcessExceptions;

/// <summary>What raising a process exception takes. <see cref="RetryReference"/> is what <c>retry</c> hands back to
/// <see cref="IProcessExceptionRetry"/> (null: nothing to rerun).</summary>
public sealed record NewProcessException(
    string? OrderId,
    ProcessExceptionCategory Category,
    ProcessExceptionSeverity Severity,
    string Message,
    int? Priority = null,
    string? RetryReference = null,
    string? Note = null);

/// <summary>
/// The Automation module's public service for process exceptions: other modules (the flow engine, routing, payments)
/// raise and resolve them in their own unit of work, so an exception commits with the change that found the problem.
/// The caller saves.
/// </summary>
public sealed class ProcessExceptions(WaybillDb db, EventOutbox outbox, AuditTrail audit, IIdGenerator ids, IClock clock)
{
    public const string CreatedEvent = "process_exception.created";
    public const string ResolvedEvent = "process_exception.resolved";

    /// <summary>Adds a <c>new</c> exception to the unit of work, with its <c>process_exception.created</c> event and history.</summary>
    public ProcessException Raise(NewProcessException request, string actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        var exception = ProcessException.Raise(ids.NewId(), request.OrderId, request.Category, request.Severity, request.Priority,
            request.Message, request.RetryReference, request.Note, actor, clock.UtcNow);
        db.ProcessExceptions.Add(exception);
        Record(exception, actor);
        return exception;
    }

    /// <summary>
    /// Raises the exception unless one with the same retry reference is still open: a problem found again (another try
    /// of the same failed step) does not pile up exceptions for one person to work.
    /// </summary>
    public async Task RaiseUnlessOpenAsync(NewProcessException request, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.RetryReference);
        if (!await db.ProcessExceptions.AnyAsync(e => e.RetryReference == request.RetryReference && OpenStatuses.Contains(e.Status), cancellationToken))
            Raise(request, actor);
    }

    /// <summary>Resolves an open exception in the unit of work (the flow engine, once the step it raised it for went through).</summary>
    public async Task<ProcessException> ResolveAsync(string id, string? note, string actor, CancellationToken cancellationToken)
    {
        var exception = await LoadAsync(id, cancellationToken);
        exception.Resolve(note, actor, clock.UtcNow);
        Record(exception, actor);
        return exception;
    }

    public async Task<ProcessException> LoadAsync(string id, CancellationToken cancellationToken) =>
        await db.ProcessExceptions.FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
        ?? throw new ProblemException(Problems.NotFound("process exception", id));

    /// <summary>Writes the exception's changes since it was loaded: one history entry each, and its events.</summary>
    public void Record(ProcessException exception, string actor)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var response = ProcessExceptionResponse.From(exception);
        var subject = exception.OrderId ?? exception.Id;
        foreach (var change in exception.Changes)
        {
            audit.Record(AuditEntity, exception.Id, change.Action, actor,
                change.From is { } from ? StatusNames.Of(from) : null, StatusNames.Of(change.To), change.Note);
            if (change.Action == ProcessExceptionTransitions.Raise) outbox.Add(CreatedEvent, subject, response);
            else if (change.To == ProcessExceptionStatus.Resolved && change.From != ProcessExceptionStatus.Resolved) outbox.Add(ResolvedEvent, subject, response);
        }
        exception.ClearChanges();
    }

    internal const string AuditEntity = "process_exception";

    /// <summary>How many of the order's exceptions are open (not resolved, ignored or voided): <c>order.activeProcessExceptionCount</c>.</summary>
    public static Task<int> ActiveCountAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        db.ProcessExceptions.CountAsync(e => e.OrderId == orderId && OpenStatuses.Contains(e.Status), cancellationToken);

    /// <summary>The open counts of several orders at once (lists); orders without any are absent.</summary>
    public static async Task<Dictionary<string, int>> ActiveCountsAsync(WaybillDb db, IReadOnlyCollection<string> orderIds, CancellationToken cancellationToken) =>
        await db.ProcessExceptions
            .Where(e => e.OrderId != null && orderIds.Contains(e.OrderId) && OpenStatuses.Contains(e.Status))
            .GroupBy(e => e.OrderId!)
            .Select(g => new { OrderId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.OrderId, x => x.Count, cancellationToken);

    internal static readonly ProcessExceptionStatus[] OpenStatuses =
        [.. Enum.GetValues<ProcessExceptionStatus>().Where(ProcessExceptionTransitions.IsOpen)];
}
