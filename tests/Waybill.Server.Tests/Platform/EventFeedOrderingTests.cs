using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waybill.Server.Data;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Platform;

/// <summary>
/// On PostgreSQL a later outbox row can commit before an earlier one. The feed must not hand out the later one first,
/// or a consumer that keeps its cursor would skip the earlier one forever.
/// </summary>
public class EventFeedOrderingTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task An_event_committed_after_a_later_numbered_one_is_never_skipped()
    {
        var admin = server.Client();
        var settings = server.Services.GetRequiredService<DatabaseSettings>();

        // A slow writer takes an outbox sequence number and holds its transaction open.
        await using var slow = new NpgsqlConnection(settings.ConnectionString);
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO outbox_events (id, type, subject, time, data) VALUES ('slow-event', 'test.slow', 'slow', now(), '{}')", slow, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // Meanwhile a capture commits with a higher sequence number.
        var order = await (await admin.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created);
        var whileOpen = await admin.AllEvents();
        Assert.DoesNotContain(whileOpen, e => e["subject"].Str() == order["id"].Str());

        await transaction.CommitAsync();
        var afterCommit = await admin.AllEvents($"&subject={order["id"].Str()}", atLeast: 1);
        Assert.Single(afterCommit);
        var all = await admin.AllEvents();
        var slowIndex = all.FindIndex(e => e["id"].Str() == "slow-event");
        var orderIndex = all.FindIndex(e => e["subject"].Str() == order["id"].Str());
        Assert.True(slowIndex >= 0 && slowIndex < orderIndex, "The earlier-numbered event comes first in the feed.");
    }
}
