using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Platform;

/// <summary>Idempotency keys are kept at least 24 hours (api.md), and forgotten after the retention so the table stays bounded.</summary>
public abstract class IdempotencyRetentionTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task Keys_older_than_the_retention_are_forgotten_and_younger_ones_still_answer()
    {
        var oldKey = Guid.NewGuid().ToString();
        var youngKey = Guid.NewGuid().ToString();
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), oldKey)).Expect(HttpStatusCode.Created);
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), youngKey)).Expect(HttpStatusCode.Created);

        // Time passes for the first key only: its record is moved 49 hours back.
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            var record = await db.IdempotencyRecords.SingleAsync(r => r.Key == oldKey);
            record.CreatedAt = record.CreatedAt.AddHours(-49);
            await db.SaveChangesAsync();
        }
        var forgotten = await server.Services.GetRequiredService<IdempotencyRetention>().ForgetExpiredAsync(CancellationToken.None);
        Assert.True(forgotten >= 1);

        // The old key is free again: another body under it is a new request. The young key still guards its body.
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), oldKey)).Expect(HttpStatusCode.Created);
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), youngKey)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }
}

public sealed class IdempotencyRetentionOnSqlite(SqliteServer server) : IdempotencyRetentionTests(server), IClassFixture<SqliteServer>;

public sealed class IdempotencyRetentionOnPostgres(PostgresServer server) : IdempotencyRetentionTests(server), IClassFixture<PostgresServer>;
