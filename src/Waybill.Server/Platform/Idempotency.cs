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

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var pending = new PendingIdempotency(context.User.KeyId(), context.Request.Path.Value ?? "", key, Hash(body));

        // Endpoints whose only effects are their own transaction let the record's primary key find a replay at commit,
        // which saves the look-up on every first request; all others look before they act.
        var checkedAtCommit = context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyCheckedAtCommit>() is not null;
        if (!checkedAtCommit && await TryReplay(context, pending)) return;

        context.Features.Set(pending);
        context.Request.Body = new MemoryStream(body, writable: false);
        try
        {
            await next(context);
        }
        catch (ConcurrentIdempotentRequestException)
        {
            // A request with this key committed first (a replay, or a concurrent twin): answer with its response,
            // or with 422 when it had another body. Everything this request did was rolled back.
            context.Response.Clear();
            if (!await TryReplay(context, pending)) throw;
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            // The key was used before — by this request's own earlier try, which may have committed while this one ran:
            // that answer (or 422 for another body) comes before this request's own error.
            if (!await TryReplay(context, pending)) throw;
        }
    });

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

public sealed record PendingIdempotency(string ApiKeyId, string Path, string Key, string RequestHash);

public sealed class ConcurrentIdempotentRequestException() : Exception("A request with the same idempotency key committed first.");
