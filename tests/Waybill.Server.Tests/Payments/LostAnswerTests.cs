using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Waybill.Server.Payments.Gateways.Mock;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Payments;

/// <summary>
/// A capture the gateway did but whose answer never reached Waybill (and no retry was left): the call stays open — not a
/// failure, so nothing plans a second capture — until the settle job asks again with the same key, gets the original
/// answer, and pays the invoice. The gateway's books show one capture.
/// </summary>
public abstract class LostAnswerTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task A_lost_answer_is_asked_again_with_its_key_and_captures_once()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var reference = "auth_timeout_" + Guid.NewGuid().ToString("N")[..8];
        var (orderId, fo) = await scenario.PlaceAsync(2, PaymentScenario.Payment(reference, 20.00m));
        var shipment = await scenario.ShipAsync(fo, 2);
        var invoice = await scenario.SettledInvoiceOf(orderId, shipment["id"].Str());
        Assert.Equal("paid", invoice["status"].Str());
        var capture = Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray())!;
        Assert.Equal(("success", 20.00m), (capture["result"].Str(), capture["amount"].Dec()));
        // Answered by the settle job (due a second after the call), not by the call itself.
        Assert.True(capture["at"]!.GetValue<DateTimeOffset>() - capture["requestedAt"]!.GetValue<DateTimeOffset>() >= TimeSpan.FromSeconds(0.9));
        using var scope = server.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<MockGatewayLedger>();
        Assert.Equal(20.00m, await ledger.CapturedAsync(reference));
        Assert.Single(await ledger.OperationsAsync(reference));
        Assert.Empty(await _admin.ReadAllExceptions(orderId));
        await scenario.AssertMoneyAddsUp(orderId);
    }
}

public sealed class LostAnswerOnSqlite(LostAnswerSqliteServer server) : LostAnswerTests(server), IClassFixture<LostAnswerSqliteServer>;

public sealed class LostAnswerOnPostgres(LostAnswerPostgresServer server) : LostAnswerTests(server), IClassFixture<LostAnswerPostgresServer>;

internal static class ExceptionsApi
{
    public static async Task<List<System.Text.Json.Nodes.JsonObject>> ReadAllExceptions(this HttpClient client, string orderId) =>
        await Inventory.MasterData.ReadAll(client, $"/api/v1/process-exceptions?orderId={orderId}");
}
