using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Payments;

namespace Waybill.Server.Tests.Orders;

/// <summary>
/// Money after a cancel with the default flows on (domain.md flow 5): units canceled before anything was captured for them
/// let go of the authorization they held; the rest of the order is paid from what is left.
/// </summary>
public abstract class CancelMoneyTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    [Fact]
    public async Task A_cancel_before_capture_voids_the_authorization_the_order_no_longer_needs()
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(3, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 30.00m));
        // The unit goes back from the location first (only unallocated units can be canceled), then is canceled.
        var foLine = fo["lines"]![0]!["id"].Str();
        await (await _admin.PostJson($"/api/v1/fulfillment-orders/{fo["id"].Str()}/cancel-lines",
            new JsonObject { ["lines"] = new JsonArray(new JsonObject { ["lineId"] = foLine, ["quantity"] = 1 }), ["reason"] = "customer_request" }))
            .Expect(HttpStatusCode.OK);
        var lineId = (await _admin.GetOrder(orderId)).LineOf("l1")["id"].Str();
        var cancel = new JsonObject { ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = 1, ["reason"] = "customer_request" }) };
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/cancellations", cancel)).Expect(HttpStatusCode.Created);

        var payments = await PaymentScenario.Eventually(() => scenario.PaymentsOf(orderId), p => p["summaries"]![0]!["reversedAmount"].Dec() == 10.00m);
        var summary = payments["summaries"]![0]!;
        Assert.Equal((30.00m, 10.00m, 20.00m, 0m), (summary["authorizedAmount"].Dec(), summary["reversedAmount"].Dec(), summary["availableToCapture"].Dec(),
            summary["capturedAmount"].Dec()));
        var release = Assert.Single(payments["interactions"]!.AsArray(), i => i!["type"].Str() == "void")!;
        Assert.Equal(("success", 10.00m), (release["result"].Str(), release["amount"].Dec()));

        // The two units left are paid from what the authorization still holds, and the order closes.
        var shipment = await scenario.ShipAsync(fo, 2);
        Assert.Equal("paid", (await scenario.SettledInvoiceOf(orderId, shipment["id"].Str()))["status"].Str());
        var closed = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        Assert.Equal((20.00m, "paid"), (closed["totals"]!["grandTotalAmount"].Dec(), closed["paymentStatus"].Str()));
        await scenario.AssertMoneyAddsUp(orderId);
        Assert.Single((await scenario.PaymentsOf(orderId))["interactions"]!.AsArray(), i => i!["type"].Str() == "void");
    }
}

public sealed class CancelMoneyOnSqlite(PaymentFlowSqliteServer server) : CancelMoneyTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class CancelMoneyOnPostgres(PaymentFlowPostgresServer server) : CancelMoneyTests(server), IClassFixture<PaymentFlowPostgresServer>;
