using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Platform;

/// <summary>
/// <c>Idempotency-Key</c> on POST (api.md "Idempotency"): checked before the endpoint runs. The same key and body
/// replays the first response; the same key with another body is 422 <c>idempotency_key_reused</c>. The record is
/// written by <see cref="RequestCommit"/> in the same transaction as the work, so the work is never done twice.
/// Only successful responses are kept: a failed request changed nothing and may be retried with the same key.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(context);
            return;
        }
        var key = values.ToString();
        if (key.Length is 0 or > 255)
        {
            await Problems.Write(context, Problems.Validation(Header, "An idempotency key is 1 to 255 characters."));
            return;
        }

        var apiKeyId = context.User.KeyId();
        var path = context.Request.Path.Value ?? "";
        PendingIdempotency pending;
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyOfStreamedBody>() is not null)
        {
            // A body of up to a gibibyte is not buffered to be hashed: it is hashed as the endpoint reads it, and the hash
            // goes into the pending record once the last byte is read (before the endpoint saves). A replay is found at commit.
            pending = new PendingIdempotency(apiKeyId, path, key, RequestHash: "");
            var unhashed = pending;
            var hashing = new HashingReadStream(context.Request.Body, hash => context.Features.Set(unhashed with { RequestHash = hash }));
            context.Response.RegisterForDispose(hashing);
            context.Request.Body = hashing;
        }
        else
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            pending = new PendingIdempotency(apiKeyId, path, key, Hash(body));

            // Endpoints whose only effects are their own transaction let the record's primary key find a replay at commit,
            // which saves the look-up on every first request; all others look before they act.
            var checkedAtCommit = context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyCheckedAtCommit>() is not null;
            if (!checkedAtCommit && await TryReplay(context, pending)) return;
            context.Request.Body = new MemoryStream(body, writable: false);
        }

        context.Features.Set(pending);
        try
        {
            await next(context);
        }
        catch (ConcurrentIdempotentRequestException)
        {
            // A request with this key committed first (a replay, or a concurrent twin): answer with its response,
            // or with 422 when it had another body. Everything this request did was rolled back.
            context.Response.Clear();
            if (!await TryReplay(context, Current(context, pending))) throw;
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            // The key was used before — by this request's own earlier try, which may have committed while this one ran:
            // that answer (or 422 for another body) comes before this request's own error.
            if (!await TryReplay(context, Current(context, pending))) throw;
        }
    });

    /// <summary>The pending record as it is now: a streamed body's hash is filled in once the body has been read.</summary>
    private static PendingIdempotency Current(HttpContext context, PendingIdempotency pending) =>
        context.Features.Get<PendingIdempotency>() ?? pending;

    private static async Task<bool> TryReplay(HttpContext context, PendingIdempotency pending)
    {
        var db = context.RequestServices.GetRequiredService<WaybillDb>();
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(
            r => r.ApiKeyId == pending.ApiKeyId && r.Path == pending.Path && r.Key == pending.Key, context.RequestAborted);
        if (record is null) return false;
        if (record.RequestHash != pending.RequestHash)
        {
            await Problems.Write(context, Problems.Create(422, "idempotency_key_reused", "The idempotency key was used with another body.",
                $"The key '{pending.Key}' was first used on {record.CreatedAt:u} with a different request body. Use a new key for a new request."));
            return true;
        }
        context.Response.StatusCode = record.StatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (record.Location is not null) context.Response.Headers.Location = record.Location;
        context.Response.Headers["Idempotent-Replayed"] = "true";
        await context.Response.WriteAsync(record.Body, context.RequestAborted);
        return true;
    }

    private static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));
}

/// <summary>
/// Marks an endpoint whose every effect is in its one database transaction: a replayed key is then found by the
/// idempotency record's primary key when the transaction commits, and the transaction is rolled back.
/// </summary>
public sealed class IdempotencyCheckedAtCommit;

/// <summary>
/// Marks an endpoint whose body is too large to buffer (stock imports, up to 1 GiB): the body is hashed while the endpoint
/// streams it, and a replayed key is found when the endpoint's transaction commits. The endpoint must read the body to
/// its end before it saves, and its only lasting effect must be that transaction (a spooled file it deletes on failure).
/// </summary>
public sealed class IdempotencyOfStreamedBody;

/// <summary>Passes a request body through while hashing it (SHA-256); the hash is handed on when the end is reached.</summary>
internal sealed class HashingReadStream(Stream inner, Action<string> onEnd) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Hashed(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => Hashed(buffer, inner.Read(buffer));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    private int Hashed(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0) _hash.AppendData(buffer[..read]);
        else if (!_ended && buffer.Length > 0)
        {
            _ended = true;
            onEnd(Convert.ToHexStringLower(_hash.GetHashAndReset()));
        }
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public sealed record PendingIdempotency(string ApiKeyId, string Path, string Key, string RequestHash);

public sealed class ConcurrentIdempotentRequestException() : Exception("A request with the same idempotency key committed first.");
