using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;

namespace Waybill.Server.Platform;

/// <summary>
/// Saves a use case's changes together with its idempotency record (when the request carried a key): one
/// transaction, so a retried request either sees the whole first result or none of it.
/// </summary>
public sealed class RequestCommit(WaybillDb db, IHttpContextAccessor http, IClock clock, SqliteWriteGate sqliteWrites, InsertBatch inserts, CommitNotices notices)
{
    /// <param name="insertsOnly">
    /// The unit of work only adds rows: it is written by <see cref="InsertBatch"/> (one batch, one implicit transaction
    /// on PostgreSQL), and its tracked entries are detached afterwards. Never for updates: they need EF Core's
    /// optimistic-concurrency checks.
    /// </param>
    public async Task SaveAsync<TBody>(int statusCode, TBody body, string? location, CancellationToken cancellationToken, bool insertsOnly = false)
    {
        var pending = http.HttpContext?.Features.Get<PendingIdempotency>();
        if (pending is not null) AddIdempotencyRecord(pending, statusCode, body, location);
        // A unit of work that only adds rows skips EF Core's per-save SQL generation (the capture's hot path).
        Func<Task> write = insertsOnly && db.ChangeTracker.Entries().All(e => e.State == EntityState.Added)
            ? () => inserts.WriteAsync(db, cancellationToken)
            : () => db.SaveChangesAsync(cancellationToken);
        try
        {
            // Inside InTransactionAsync the gate is already held and the transaction commits there.
            var inTransaction = db.Database.CurrentTransaction is not null;
            if (db.IsPostgres || inTransaction) await write();
            else await sqliteWrites.RunAsync(async () => { await write(); return true; }, cancellationToken);
            if (!inTransaction) notices.Committed();
        }
        catch (DbUpdateException ex) when (pending is not null && DbErrors.IsUniqueViolation(ex, "idempotency_records"))
        {
            throw new ConcurrentIdempotentRequestException();
        }
    }


    /// <summary>Keeps a request's response under its Idempotency-Key, in the unit of work that did the request's work.</summary>
    public void AddIdempotencyRecord<TBody>(PendingIdempotency pending, int statusCode, TBody body, string? location) =>
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            ApiKeyId = pending.ApiKeyId,
            Path = pending.Path,
            Key = pending.Key,
            RequestHash = pending.RequestHash,
            StatusCode = statusCode,
            Location = location,
            Body = System.Text.Json.JsonSerializer.Serialize(body, WaybillJson.Options),
            CreatedAt = clock.UtcNow,
        });

    /// <summary>
    /// Runs a use case that changes stock (conditional updates, then its rows) as one transaction: under the SQLite write
    /// gate, and on PostgreSQL started over when the server picked it as a deadlock victim. <paramref name="work"/> must
    /// do all its reading and deciding inside, so a second try starts from what is in the database then.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return await sqliteWrites.RunAsync(() => OnceAsync(work, cancellationToken), cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await OnceAsync(work, cancellationToken);
            }
            catch (Exception ex) when (attempt < 5 && DbErrors.IsDeadlock(ex))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<T> OnceAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        T result;
        try
        {
            result = await work();
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            notices.RolledBack();
            throw;
        }
        notices.Committed();
        return result;
    }
}

/// <summary>
/// SQLite has one writer at a time. Writers that find the file locked back off and sleep (busy timeout), which on a
/// busy node turns into second-long stalls; queueing them in the process instead hands the lock straight to the next.
/// </summary>
public sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
