using System.Net;
using System.Text.Json.Nodes;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Orders;

/// <summary>Every kind of bad capture gets a clear problem naming the field, and writes nothing (issue 2, "Bad input").</summary>
public abstract class CaptureBadInputTests(WaybillServer server)
{
    private readonly HttpClient _admin = server.Client();

    private static JsonNode Line(JsonObject order) => order["deliveryGroups"]![0]!["lines"]![0]!;

    public static TheoryData<string, string> FieldErrors() => new()
    {
        { "missing channel", "channel" },
        { "missing externalReference", "externalReference" },
        { "missing currency", "currency" },
        { "unknown currency", "currency" },
        { "missing customer email", "customer.email" },
        { "missing delivery groups", "deliveryGroups" },
        { "group with no lines", "deliveryGroups[0].lines" },
        { "missing sku", "deliveryGroups[0].lines[0].sku" },
        { "zero quantity", "deliveryGroups[0].lines[0].quantity" },
        { "negative quantity", "deliveryGroups[0].lines[0].quantity" },
        { "negative price", "deliveryGroups[0].lines[0].unitPrice" },
        { "too many decimals", "deliveryGroups[0].lines[0].unitPrice" },
        { "too many decimals for JPY", "deliveryGroups[0].lines[0].unitPrice" },
        { "duplicate line reference", "deliveryGroups[0].lines[1].reference" },
        { "line adjustment larger than the line", "deliveryGroups[0].lines[0].adjustments" },
        { "order adjustment larger than the lines", "orderAdjustments[0].amount" },
        { "quantity of the wrong type", "deliveryGroups[0].lines[0].quantity" },
        { "price of the wrong type", "deliveryGroups[0].lines[0].unitPrice" },
        { "unknown taxation", "taxation" },
        { "pickup without a location", "deliveryGroups[0].deliveryMethod.locationCode" },
        { "unknown totals field", "totals.grandTotal" },
    };

    private static JsonObject Broken(string kind)
    {
        var order = Api.WebOrder();
        switch (kind)
        {
            case "missing channel": order.Remove("channel"); break;
            case "missing externalReference": order["externalReference"] = null; break;
            case "missing currency": order.Remove("currency"); break;
            case "unknown currency": order["currency"] = "XYZ"; break;
            case "missing customer email": order["customer"]!.AsObject().Remove("email"); break;
            case "missing delivery groups": order.Remove("deliveryGroups"); break;
            case "group with no lines": order["deliveryGroups"]![0]!["lines"] = new JsonArray(); break;
            case "missing sku": Line(order).AsObject().Remove("sku"); break;
            case "zero quantity": Line(order)["quantity"] = 0; break;
            case "negative quantity": Line(order)["quantity"] = -2; break;
            case "negative price": Line(order)["unitPrice"] = -25.00m; break;
            case "too many decimals": Line(order)["unitPrice"] = 25.001m; break;
            case "too many decimals for JPY":
                order["currency"] = "JPY";
                order["orderAdjustments"] = new JsonArray();
                order["payments"] = new JsonArray();
                order["deliveryGroups"]![0]!["deliveryCharge"] = new JsonObject { ["amount"] = 500, ["taxAmount"] = 0 };
                Line(order)["unitPrice"] = 2500.5m;
                Line(order)["adjustments"] = new JsonArray();
                Line(order)["taxes"] = new JsonArray();
                break;
            case "duplicate line reference":
                order["deliveryGroups"]![0]!["lines"]!.AsArray().Add(Line(order).DeepClone());
                break;
            case "line adjustment larger than the line":
                Line(order)["adjustments"] = new JsonArray(new JsonObject { ["reference"] = "x", ["amount"] = -50.01m });
                break;
            case "order adjustment larger than the lines":
                order["orderAdjustments"] = new JsonArray(new JsonObject { ["reference"] = "x", ["amount"] = -45.01m });
                break;
            case "quantity of the wrong type": Line(order)["quantity"] = "two"; break;
            case "price of the wrong type": Line(order)["unitPrice"] = new JsonArray(1); break;
            case "unknown taxation": order["taxation"] = "vat"; break;
            case "pickup without a location":
                order["deliveryGroups"]![0]!["deliveryMethod"] = new JsonObject { ["code"] = "store", ["type"] = "pickup" };
                break;
            case "unknown totals field": order["totals"] = new JsonObject { ["grandTotal"] = 53.29m }; break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return order;
    }

    [Theory]
    [MemberData(nameof(FieldErrors))]
    public async Task Bad_fields_are_named_and_nothing_is_written(string kind, string field)
    {
        var before = await _admin.OrderCount();
        var response = await _admin.PostJson("/api/v1/orders", Broken(kind));
        var problem = await response.ExpectFieldError(field);
        Assert.False(string.IsNullOrEmpty(problem["errors"]![field]![0].Str()));
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Theory]
    [InlineData("{ \"channel\": \"web\", ")]
    [InlineData("not json at all")]
    [InlineData("{ \"channel\": 'web' }")]
    public async Task Malformed_json_is_a_400_malformed_json(string body)
    {
        var before = await _admin.OrderCount();
        await (await _admin.PostRaw("/api/v1/orders", body)).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Fact]
    public async Task An_empty_body_is_a_validation_problem()
    {
        await (await _admin.PostRaw("/api/v1/orders", "")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_body_over_four_mebibytes_is_a_413_answered_from_its_length()
    {
        var before = await _admin.OrderCount();
        var huge = Api.WebOrder();
        huge["notes"] = new string('x', 4 * 1024 * 1024 + 1);
        await (await _admin.PostJson("/api/v1/orders", huge)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Fact]
    public async Task No_key_is_a_401_and_a_wrong_key_too()
    {
        var before = await _admin.OrderCount();
        await (await server.Client(key: null).PostJson("/api/v1/orders", Api.WebOrder())).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await server.Client("wb_not_a_key").PostJson("/api/v1/orders", Api.WebOrder())).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("finance")]
    public async Task A_role_that_may_not_capture_is_a_403(string role)
    {
        var client = await server.ClientWithRole(role);
        var before = await _admin.OrderCount();
        await (await client.PostJson("/api/v1/orders", Api.WebOrder())).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Fact]
    public async Task A_storefront_key_may_capture()
    {
        var storefront = await server.ClientWithRole("storefront");
        await (await storefront.PostJson("/api/v1/orders", Api.WebOrder())).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_another_body_is_a_422()
    {
        var key = Guid.NewGuid().ToString();
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), key)).Expect(HttpStatusCode.Created);
        var before = await _admin.OrderCount();
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), key)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(before, await _admin.OrderCount());
    }

    [Fact]
    public async Task A_reused_key_is_reported_before_the_new_bodys_own_errors()
    {
        var key = Guid.NewGuid().ToString();
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), key)).Expect(HttpStatusCode.Created);
        var invalid = Api.WebOrder();
        invalid.Remove("currency");
        await (await _admin.PostJson("/api/v1/orders", invalid, key)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task A_failed_request_keeps_no_record_so_its_key_can_be_used_again()
    {
        var key = Guid.NewGuid().ToString();
        var invalid = Api.WebOrder();
        invalid.Remove("currency");
        await (await _admin.PostJson("/api/v1/orders", invalid, key)).ExpectFieldError("currency");
        await (await _admin.PostJson("/api/v1/orders", Api.WebOrder(), key)).Expect(HttpStatusCode.Created);
    }
}

public sealed class CaptureBadInputOnSqlite(SqliteServer server) : CaptureBadInputTests(server), IClassFixture<SqliteServer>;

public sealed class CaptureBadInputOnPostgres(PostgresServer server) : CaptureBadInputTests(server), IClassFixture<PostgresServer>;
