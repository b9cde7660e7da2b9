using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// Saves the flow engine's unit of work (one <c>SaveChanges</c>: one transaction) under the SQLite write gate, then wakes
/// the job and event loops. Not <see cref="RequestCommit"/>: a retry from <c>POST /process-exceptions/{id}/retry</c> runs
/// inside a request, whose idempotency record belongs to the request's own save, not to the step's.
/// </summary>
public sealed class FlowCommit(WaybillDb db, SqliteWriteGate sqliteWrites, CommitNotices notices)
{
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (db.IsPostgres) await db.SaveChangesAsync(cancellationToken);
        else await sqliteWrites.RunAsync(() => db.SaveChangesAsync(cancellationToken), cancellationToken);
        notices.Committed();
    }
}
