using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Fulfillment;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Inventory;
using Waybill.Server.Tests.Payments;

namespace Waybill.Server.Tests.Returns;

/// <summary>
/// Return orders (RMA) through the API with the default flows on (decision 0035): submitted units are announced on the
/// order; receipts credit what came back (fees once), restock only resellable units where the warehouse says, and flow 6
/// refunds each credit memo; a cancel withdraws what was not received; bad input and racing receipts change nothing extra.
/// </summary>
public abstract class ReturnOrderTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonObject Submit(string lineId, int quantity, string? reason = "too_small", params (string Type, decimal Amount)[] fees) => new()
    {
        ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = quantity, ["reason"] = reason }),
        ["reduceShipping"] = false,
        ["fees"] = new JsonArray([.. fees.Select(f => (JsonNode)new JsonObject { ["type"] = f.Type, ["amount"] = f.Amount })]),
    };

    private static JsonObject Receipt(params (string ReturnLineId, int Received, int Rejected, string Condition, string? Location)[] lines) => new()
    {
        ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject
        {
            ["returnLineId"] = l.ReturnLineId, ["quantityReceived"] = l.Received, ["quantityRejected"] = l.Rejected, ["condition"] = l.Condition,
            ["locationCode"] = l.Location,
        })]),
    };

    /// <summary>An order of <paramref name="quantity"/> units at 10.00, all shipped, invoiced, paid and closed.</summary>
    private async Task<(PaymentScenario Scenario, string OrderId, string LineId, string Location, string Sku)> ShippedAndPaidAsync(int quantity)
    {
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(quantity, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 10.00m * quantity));
        var shipment = await scenario.ShipAsync(fo, quantity);
        Assert.Equal("paid", (await scenario.SettledInvoiceOf(orderId, shipment["id"].Str()))["status"].Str());
        var order = await PaymentScenario.Eventually(() => _admin.GetOrder(orderId), o => o["status"].Str() == "closed");
        return (scenario, orderId, order.LineOf("l1")["id"].Str(), fo["location"].Str(), fo["lines"]![0]!["sku"].Str());
    }

    /// <summary>Submits and approves a return order; returns it and its one line's id.</summary>
    private async Task<(string Id, string LineId)> ApprovedAsync(string orderId, string lineId, int quantity, params (string Type, decimal Amount)[] fees)
    {
        var created = await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, quantity, fees: fees))).Expect(HttpStatusCode.Created);
        var id = created["id"].Str();
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        return (id, created["lines"]![0]!["id"].Str());
    }

    private async Task<List<JsonObject>> RefundedMemosOf(string orderId, int count) =>
        await PaymentScenario.Eventually(() => _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"),
            memos => memos.Count == count && memos.All(m => m["status"].Str() == "refunded"));

    private async Task<JsonObject> Get(string id) => await (await _admin.GetAsync($"/api/v1/return-orders/{id}")).Expect(HttpStatusCode.OK);

    private static (int Returned, int Initiated, int Available) Quantities(JsonObject order)
    {
        var line = order.LineOf("l1");
        return (line["quantityReturned"]!.GetValue<int>(), line["quantityReturnInitiated"]!.GetValue<int>(), line["quantityAvailableToReturn"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_rma_received_in_two_receipts_restocks_only_resellable_units_charges_its_fee_once_and_each_memo_is_refunded()
    {
        var (scenario, orderId, lineId, location, sku) = await ShippedAndPaidAsync(4);

        var created = await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 4, fees: ("restocking", 5.00m))))
            .Expect(HttpStatusCode.Created);
        var id = created["id"].Str();
        Assert.Equal(("submitted", orderId, false, false), (created["status"].Str(), created["orderId"].Str(), created["reduceShipping"]!.GetValue<bool>(),
            created["feesCharged"]!.GetValue<bool>()));
        var line = created["lines"]![0]!;
        Assert.Equal((lineId, sku, 4, 0, 0, "too_small"), (line["orderLineId"].Str(), line["sku"].Str(), line["quantityExpected"]!.GetValue<int>(),
            line["quantityReceived"]!.GetValue<int>(), line["quantityRejected"]!.GetValue<int>(), line["reason"].Str()));
        Assert.Equal(5.00m, Assert.Single(created["fees"]!.AsArray())!["amount"].Dec());
        Assert.Empty(created["receipts"]!.AsArray());
        // Announced: the units count as return-initiated, so nothing else can return them; no money moved yet.
        var order = await _admin.GetOrder(orderId);
        Assert.Equal((0, 4, 0), Quantities(order));
        Assert.Equal((40.00m, id), (order["totals"]!["grandTotalAmount"].Dec(), Assert.Single(order["returnOrders"]!.AsArray())!["id"].Str()));
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/returns", new JsonObject
        {
            ["lines"] = new JsonArray(new JsonObject { ["lineId"] = lineId, ["quantity"] = 1 }),
        })).ExpectProblem((HttpStatusCode)422, "quantity_not_returnable");
        // Received only once approved.
        var returnLineId = line["id"].Str();
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location))))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        var approved = await (await _admin.PostJson($"/api/v1/return-orders/{id}/approve", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", approved["status"].Str());
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/approve", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");

        // First receipt: two resellable units back on the shelf; the 20.00 credit covers the 5.00 fee.
        var first = await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 2, 0, "resellable", location))))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(("approved", 2, true), (first["status"].Str(), first["lines"]![0]!["quantityReceived"]!.GetValue<int>(), first["feesCharged"]!.GetValue<bool>()));
        var receipt = Assert.Single(first["receipts"]!.AsArray())!;
        Assert.Equal(5.00m, Assert.Single(receipt["fees"]!.AsArray())!["amount"].Dec());
        Assert.Equal(2, (await _admin.AtLocation(sku, location)).OnHand);
        var firstMemo = await (await _admin.GetAsync($"/api/v1/credit-memos/{receipt["creditMemoId"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.Equal((15.00m, receipt["changeOrderId"].Str()), (firstMemo["totalAmount"].Dec(), firstMemo["changeOrderId"].Str()));
        Assert.Contains(firstMemo["lines"]!.AsArray(), l => l!["type"].Str() == "fee" && l["reason"].Str() == "restocking" && l["totalAmount"].Dec() == -5.00m);

        // Second receipt: one damaged unit (credited, not restocked), one rejected (withdrawn: returnable again). No fee twice.
        var second = await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive",
            Receipt((returnLineId, 1, 0, "damaged", null), (returnLineId, 0, 1, "damaged", null)))).Expect(HttpStatusCode.OK);
        Assert.Equal("received", second["status"].Str());
        var done = second["lines"]![0]!;
        Assert.Equal((3, 1, 0), (done["quantityReceived"]!.GetValue<int>(), done["quantityRejected"]!.GetValue<int>(), done["quantityRemaining"]!.GetValue<int>()));
        Assert.Equal(2, second["receipts"]!.AsArray().Count);
        Assert.Empty(second["receipts"]![1]!["fees"]!.AsArray());
        Assert.Equal(2, second["creditMemoIds"]!.AsArray().Count);
        Assert.Equal(2, second["changeOrderIds"]!.AsArray().Count);
        Assert.Equal(2, (await _admin.AtLocation(sku, location)).OnHand);
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "damaged", null))))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/cancel", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");

        // Flow 6 refunds both memos: 15.00 + 10.00 of the 40.00 paid.
        var memos = await RefundedMemosOf(orderId, 2);
        Assert.Equal(25.00m, memos.Sum(m => m["refundedAmount"].Dec()));
        var payments = await scenario.PaymentsOf(orderId);
        Assert.Equal((40.00m, 25.00m), (payments["summaries"]![0]!["capturedAmount"].Dec(), payments["summaries"]![0]!["refundedAmount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId);

        order = await _admin.GetOrder(orderId);
        Assert.Equal((3, 3, 1), Quantities(order));
        // 40.00 less the 30.00 of three units back, plus the 5.00 fee.
        Assert.Equal((15.00m, 5.00m), (order["totals"]!["grandTotalAmount"].Dec(), order["totals"]!["feeAmount"].Dec()));
        Assert.Equal("received", Assert.Single(order["returnOrders"]!.AsArray())!["status"].Str());
        Assert.Equal(id, Assert.Single(await _admin.ReadAll($"/api/v1/return-orders?orderId={orderId}&status=received"))["id"].Str());
        Assert.Empty(await _admin.ReadAll($"/api/v1/return-orders?orderId={orderId}&status=approved"));

        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        Assert.Single(events, e => e["type"].Str() == "return_order.created" && e["data"]!["id"].Str() == id);
        Assert.Equal(2, events.Count(e => e["type"].Str() == "return_order.received" && e["data"]!["id"].Str() == id));
        Assert.Equal(2, events.Count(e => e["type"].Str() == "credit_memo.created"));
        Assert.Equal(2, events.Count(e => e["type"].Str() == "order.changed"));
        // The feed holds back events while an older transaction runs (PostgreSQL): wait for the refunds'.
        Assert.Equal(2, (await _admin.AllEvents($"&subject={orderId}&types=payment.refunded", atLeast: 2)).Count);
    }

    [Fact]
    public async Task A_canceled_rma_withdraws_what_was_not_received_and_those_units_are_returnable_again()
    {
        var (scenario, orderId, lineId, location, sku) = await ShippedAndPaidAsync(3);
        var (id, returnLineId) = await ApprovedAsync(orderId, lineId, 2);
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location)))).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 2, 1), Quantities(await _admin.GetOrder(orderId)));

        var canceled = await (await _admin.PostJson($"/api/v1/return-orders/{id}/cancel", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("canceled", canceled["status"].Str());
        Assert.Equal((1, 1), (canceled["lines"]![0]!["quantityReceived"]!.GetValue<int>(), canceled["lines"]![0]!["quantityRemaining"]!.GetValue<int>()));
        // The unit received stays received (its memo stands); the other is returnable again.
        Assert.Equal((1, 1, 2), Quantities(await _admin.GetOrder(orderId)));
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location))))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/cancel", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/approve", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(1, (await _admin.AtLocation(sku, location)).OnHand);

        // A submitted RMA cancels too, and a new one can take every unit not received.
        var other = await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 2))).Expect(HttpStatusCode.Created);
        Assert.Equal((1, 3, 0), Quantities(await _admin.GetOrder(orderId)));
        await (await _admin.PostJson($"/api/v1/return-orders/{other["id"].Str()}/cancel", null)).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 1, 2), Quantities(await _admin.GetOrder(orderId)));
        await RefundedMemosOf(orderId, 1);
        await scenario.AssertMoneyAddsUp(orderId);
        Assert.Equal(2, (await _admin.ReadAll($"/api/v1/return-orders?orderId={orderId}&status=canceled")).Count);
    }

    [Fact]
    public async Task Fees_beyond_what_comes_back_are_invoiced_and_captured_not_credited()
    {
        // Three units at 10.00 on a card that authorized 30.00; two shipped and paid. One comes back (10.00) with 12.50 of
        // fees: the customer owes 2.50 more, captured from what is left of the authorization.
        var scenario = await PaymentScenario.CreateAsync(_admin);
        var (orderId, fo) = await scenario.PlaceAsync(3, PaymentScenario.Payment("auth_ok_" + Guid.NewGuid().ToString("N")[..8], 30.00m));
        var shipment = await scenario.ShipAsync(fo, 2);
        Assert.Equal("paid", (await scenario.SettledInvoiceOf(orderId, shipment["id"].Str()))["status"].Str());
        var lineId = (await _admin.GetOrder(orderId)).LineOf("l1")["id"].Str();
        var location = fo["location"].Str();
        var (id, returnLineId) = await ApprovedAsync(orderId, lineId, 1, ("restocking", 10.00m), ("return_shipping", 2.50m));
        var received = await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location))))
            .Expect(HttpStatusCode.OK);
        var receipt = Assert.Single(received["receipts"]!.AsArray())!;
        Assert.Null(receipt["creditMemoId"]);
        Assert.True(received["feesCharged"]!.GetValue<bool>());
        var invoiceId = receipt["invoiceId"].Str();
        var invoice = await PaymentScenario.Eventually(async () => await (await _admin.GetAsync($"/api/v1/invoices/{invoiceId}")).Expect(HttpStatusCode.OK),
            i => i["status"].Str() == "paid");
        Assert.Equal(("paid", 2.50m, receipt["changeOrderId"].Str()), (invoice["status"].Str(), invoice["totalAmount"].Dec(), invoice["changeOrderId"].Str()));
        Assert.Equal(12.50m, invoice["lines"]!.AsArray().Where(l => l!["type"].Str() == "fee").Sum(l => l!["totalAmount"].Dec()));
        Assert.Empty(await _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"));
        var order = await _admin.GetOrder(orderId);
        Assert.Equal((32.50m, 12.50m), (order["totals"]!["grandTotalAmount"].Dec(), order["totals"]!["feeAmount"].Dec()));
        await scenario.AssertMoneyAddsUp(orderId);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_changes_nothing()
    {
        var (_, orderId, lineId, location, sku) = await ShippedAndPaidAsync(2);
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 3))).ExpectProblem((HttpStatusCode)422, "quantity_not_returnable");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit("nope", 1))).ExpectFieldError("lines[0].lineId");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 0))).ExpectFieldError("lines[0].quantity");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 1, fees: ("restocking", 0m)))).ExpectFieldError("fees[0].amount");
        await (await _admin.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 1, fees: ("not a code", 1m)))).ExpectFieldError("fees[0].type");
        var viewer = await server.ClientWithRole("viewer");
        await (await viewer.PostJson($"/api/v1/orders/{orderId}/return-orders", Submit(lineId, 1))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await _admin.PostJson("/api/v1/orders/nope/return-orders", Submit(lineId, 1))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await _admin.ReadAll($"/api/v1/return-orders?orderId={orderId}"));
        Assert.Equal((0, 0, 2), Quantities(await _admin.GetOrder(orderId)));

        var (id, returnLineId) = await ApprovedAsync(orderId, lineId, 1);
        var rma = await Get(id);
        var order = await _admin.GetOrder(orderId);
        var more = await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 1, "resellable", location))))
            .ExpectProblem((HttpStatusCode)422, "quantity_exceeds_remaining");
        Assert.True(more["errors"]!.AsObject().ContainsKey("lines[0].quantityReceived"), more.ToJsonString());
        // Two lines of a receipt add up against the one return line.
        var twice = await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive",
            Receipt((returnLineId, 1, 0, "damaged", null), (returnLineId, 1, 0, "damaged", null)))).ExpectProblem((HttpStatusCode)422, "quantity_exceeds_remaining");
        Assert.True(twice["errors"]!.AsObject().ContainsKey("lines[1].quantityReceived"), twice.ToJsonString());
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt(("nope", 1, 0, "resellable", location)))).ExpectFieldError("lines[0].returnLineId");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "broken", location)))).ExpectFieldError("lines[0].condition");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", "NOWHERE")))).ExpectFieldError("lines[0].locationCode");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", null)))).ExpectFieldError("lines[0].locationCode");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 0, 0, "damaged", null)))).ExpectFieldError("lines[0].quantityReceived");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, -1, 1, "damaged", null)))).ExpectFieldError("lines[0].quantityReceived");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt())).ExpectFieldError("lines");
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location)), ifMatch: "\"1\""))
            .ExpectProblem(HttpStatusCode.Conflict, "version_conflict");
        await (await viewer.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location))))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await _admin.PostJson("/api/v1/return-orders/nope/receive", Receipt((returnLineId, 1, 0, "resellable", location))))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync("/api/v1/return-orders/nope")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await (await _admin.GetAsync("/api/v1/return-orders?status=lost")).ExpectFieldError("status");

        Assert.Equal(rma.ToJsonString(), (await Get(id)).ToJsonString());
        Assert.Equal(order.ToJsonString(), (await _admin.GetOrder(orderId)).ToJsonString());
        Assert.Empty(await _admin.ReadAll($"/api/v1/credit-memos?orderId={orderId}"));
        Assert.Equal(0, (await _admin.AtLocation(sku, location)).OnHand);

        // The right version goes through.
        await (await _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location)),
            ifMatch: $"\"{rma["version"]!.GetValue<int>()}\"")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_receipts_racing_for_the_last_unit_receive_it_once()
    {
        var (scenario, orderId, lineId, location, sku) = await ShippedAndPaidAsync(2);
        var (id, returnLineId) = await ApprovedAsync(orderId, lineId, 1);
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            _admin.PostJson($"/api/v1/return-orders/{id}/receive", Receipt((returnLineId, 1, 0, "resellable", location)))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(answers, a => a.StatusCode != HttpStatusCode.OK);
        Assert.Contains(loser.StatusCode, new[] { HttpStatusCode.Conflict, (HttpStatusCode)422 });
        Assert.Equal("application/problem+json", loser.Content.Headers.ContentType?.MediaType);

        var rma = await Get(id);
        Assert.Equal(("received", 1, 1), (rma["status"].Str(), rma["lines"]![0]!["quantityReceived"]!.GetValue<int>(), rma["receipts"]!.AsArray().Count));
        Assert.Equal((1, 1, 1), Quantities(await _admin.GetOrder(orderId)));
        Assert.Equal(1, (await _admin.AtLocation(sku, location)).OnHand);
        var memo = Assert.Single(await RefundedMemosOf(orderId, 1));
        Assert.Equal(10.00m, memo["refundedAmount"].Dec());
        Assert.Equal(10.00m, (await scenario.PaymentsOf(orderId))["summaries"]![0]!["refundedAmount"].Dec());
        await scenario.AssertMoneyAddsUp(orderId);
        var events = await _admin.AllEvents($"&subject={orderId}", atLeast: 1);
        Assert.Single(events, e => e["type"].Str() == "return_order.received");
        Assert.Single(events, e => e["type"].Str() == "credit_memo.created");
    }
}

public sealed class ReturnOrderOnSqlite(PaymentFlowSqliteServer server) : ReturnOrderTests(server), IClassFixture<PaymentFlowSqliteServer>;

public sealed class ReturnOrderOnPostgres(PaymentFlowPostgresServer server) : ReturnOrderTests(server), IClassFixture<PaymentFlowPostgresServer>;
