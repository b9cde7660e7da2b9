using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;

namespace Waybill.Server.Platform;

/// <summary>
/// Saves a use case's changes together with its idempotency record (when the request carried a key): one
/// transaction, so a retried request either sees the whole first result or none of it.
/// </summary>
public sealed class RequestCommit(WaybillDb db, IHttpContextAccessor http, IClock clock, SqliteWriteGate sqliteWrites)
{
    /// <param name="insertsOnly">
    /// The unit of work only adds rows. On PostgreSQL EF Core then sends it as one batch, which the server runs as one
    /// implicit transaction (atomic: all rows or none), so the explicit transaction's extra COMMIT round trip is saved.
    /// Never for updates: a failed optimistic-concurrency check is seen only after the batch ran.
    /// </param>
    public async Task SaveAsync<TBody>(int statusCode, TBody body, string? location, CancellationToken cancellationToken, bool insertsOnly = false)
    {
        var pending = http.HttpContext?.Features.Get<PendingIdempotency>();
        if (pending is not null)
        {
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
        }
        var transactions = db.Database.AutoTransactionBehavior;
        if (insertsOnly && db.IsPostgres && db.ChangeTracker.Entries().All(e => e.State == EntityState.Added))
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        try
        {
            if (db.IsPostgres) await db.SaveChangesAsync(cancellationToken);
            else await sqliteWrites.RunAsync(() => db.SaveChangesAsync(cancellationToken), cancellationToken);
        }
        catch (DbUpdateException ex) when (pending is not null && DbErrors.IsUniqueViolation(ex, "idempotency_records"))
        {
            throw new ConcurrentIdempotentRequestException();
        }
        finally
        {
            db.Database.AutoTransactionBehavior = transactions;
        }
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
