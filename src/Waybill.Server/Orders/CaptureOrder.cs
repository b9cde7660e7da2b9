using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Inventory;
using Waybill.Server.Channels;
using Waybill.Server.Customers;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;
using static Waybill.Server.Platform.Shape;

namespace Waybill.Server.Orders;

/// <summary>
/// <c>POST /api/v1/orders</c>: a channel hands over an order. Waybill checks it, matches the customer, computes every
/// total, and keeps it as the managed order. The same channel + externalReference again answers the existing order.
/// </summary>
public static partial class CaptureOrder
{
    public sealed record Request(
        string? Channel,
        string? ExternalReference,
        DateTimeOffset? OrderedAt,
        string? Currency,
        Taxation? Taxation,
        CustomerInput? Customer,
        AddressInput? BillingAddress,
        List<DeliveryGroupInput?>? DeliveryGroups,
        List<AdjustmentInput?>? OrderAdjustments,
        List<PaymentInput?>? Payments,
        Dictionary<string, decimal>? Totals);

    public sealed record CustomerInput(string? ExternalId, string? Email, string? FirstName, string? LastName, string? Phone);

    public sealed record DeliveryGroupInput(string? Reference, DeliveryMethodInput? DeliveryMethod, AddressInput? ShippingAddress, DeliveryChargeInput? DeliveryCharge, List<LineInput?>? Lines);

    public sealed record DeliveryMethodInput(string? Code, DeliveryMethodType? Type, string? LocationCode);

    public sealed record DeliveryChargeInput(decimal? Amount, decimal? TaxAmount, List<AdjustmentInput?>? Adjustments);

    public sealed record LineInput(string? Reference, string? Sku, string? Name, int? Quantity, decimal? UnitPrice, List<AdjustmentInput?>? Adjustments, List<TaxInput?>? Taxes);

    public sealed record AdjustmentInput(string? Reference, string? Description, decimal? Amount);

    public sealed record TaxInput(string? Name, decimal? Rate, decimal? Amount);

    public sealed record PaymentInput(string? Method, string? Gateway, string? GatewayReference, decimal? AuthorizedAmount, decimal? CapturedAmount, DateTimeOffset? AuthorizationExpiresAt);

    public static RouteHandlerBuilder MapCaptureOrder(this RouteGroupBuilder orders) => orders
        .MapPost("/", Handle)
        .RequireAuthorization(Policies.CaptureOrders)
        .WithMetadata(new IdempotencyCheckedAtCommit())
        .WithName("CaptureOrder")
        .WithSummary("Capture an order from a sales channel");

    public static async Task<Results<Created<OrderResponse>, Ok<OrderResponse>>> Handle(
        Request request, WaybillDb db, CustomerDirectory customers, OrderNumbers orderNumbers, ChannelGroups channelGroups, StockLedger ledger,
        EventOutbox outbox, AuditTrail audit, RequestCommit commit, IIdGenerator ids, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var draft = ToDraft(request) with { CapturedBy = http.User.KeyId() };
        var sellsFrom = await channelGroups.SellsFromAsync(db, draft.Channel, cancellationToken);

        // Channels resend: the unique index on channel + externalReference finds a resend when the insert fails, which
        // costs nothing on the common path. The same retry covers two first orders of one new customer racing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var created = await commit.InTransactionAsync(async () =>
                {
                    var customer = await customers.MatchOrRegisterAsync(request.Customer!, cancellationToken);
                    var number = await orderNumbers.NextAsync(db, cancellationToken);
                    var now = clock.UtcNow;
                    var order = Order.Capture(draft, number, customer.Id, ids, now);
                    CheckChannelTotals(request.Totals, order.Totals);

                    // Stock is held in the same transaction as the order; what is not there is left short for routing.
                    var held = await ledger.ReserveAvailableAsync(order.StockToReserve(sellsFrom), cancellationToken);
                    string? reservationId = null;
                    if (held.Count > 0)
                    {
                        var reservation = Reservation.Open(ids.NewId(), $"order:{order.Id}", held, null, order.Id, now);
                        db.Reservations.Add(reservation);
                        reservationId = reservation.Id;
                    }
                    order.RecordReservation(reservationId, sellsFrom, held);

                    db.Orders.Add(order);
                    var response = OrderResponse.From(order, customer);
                    OrderStore.RecordEvents(order, response, outbox, audit, http.User.Actor());
                    await commit.SaveAsync(201, response, OrderPath(order.Id), cancellationToken, insertsOnly: true);
                    return response;
                }, cancellationToken);
                customers.Committed();
                return TypedResults.Created(OrderPath(created.Id), created);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex, "orders") || DbErrors.IsUniqueViolation(ex, "customers"))
            {
                if (attempt == 3)
                    throw new ProblemException(Problems.Create(409, "concurrent_capture", "The order or its customer was being written at the same time.",
                        "Another request wrote the same order or customer while this one ran. Retry the request (with the same Idempotency-Key)."));
                db.ChangeTracker.Clear();
                var existing = await OrderStore.FindResponseAsync(db, draft.Channel, draft.ExternalReference, cancellationToken);
                if (existing is not null)
                {
                    await commit.SaveAsync(200, existing, null, cancellationToken);
                    return TypedResults.Ok(existing);
                }
            }
        }
    }

    private static string OrderPath(string id) => $"/api/v1/orders/{id}";

    /// <summary>When a channel sends its own totals, every one it sends must match Waybill's to the minor unit.</summary>
    private static void CheckChannelTotals(Dictionary<string, decimal>? received, OrderTotals computed)
    {
        if (received is null || received.Count == 0) return;
        var ours = computed.ByName();
        var differences = received
            .Where(r => ours[r.Key] != r.Value)
            .ToDictionary(r => r.Key, r => new { computed = ours[r.Key], received = r.Value });
        if (differences.Count == 0) return;
        var problem = Problems.Create(422, "totals_mismatch", "The channel's totals differ from Waybill's.",
            "Waybill computed " + string.Join(", ", differences.Select(d => $"{d.Key} {d.Value.computed} (received {d.Value.received})")) + ".");
        problem.Extensions["differences"] = differences;
        throw new ProblemException(problem);
    }

    /// <summary>Checks the request's shape (required fields, lengths, known codes) and turns it into the domain's draft.</summary>
    public static OrderDraft ToDraft(Request request)
    {
        var errors = new FieldErrors();
        var channel = Text(request.Channel, "channel", 64, errors);
        var externalReference = Text(request.ExternalReference, "externalReference", 128, errors);
        if (request.OrderedAt is null) errors.Add("orderedAt", "orderedAt is required (ISO 8601, e.g. 2026-11-20T18:03:11Z).");
        if (request.Taxation is null) errors.Add("taxation", "taxation is required: net or gross.");
        Currency? currency = null;
        if (request.Currency is null) errors.Add("currency", "currency is required (ISO 4217, e.g. USD).");
        else if (!Currency.TryFind(request.Currency, out currency)) errors.Add("currency", $"'{request.Currency}' is not an ISO 4217 currency code.");

        if (request.Customer is null) errors.Add("customer", "customer is required.");
        else
        {
            var email = Text(request.Customer.Email, "customer.email", 254, errors);
            if (email.Length > 0 && !EmailShape().IsMatch(email)) errors.Add("customer.email", "customer.email is not an email address.");
            Optional(request.Customer.ExternalId, "customer.externalId", 128, errors);
            Optional(request.Customer.FirstName, "customer.firstName", 100, errors);
            Optional(request.Customer.LastName, "customer.lastName", 100, errors);
            Optional(request.Customer.Phone, "customer.phone", 40, errors);
        }

        var billing = Address(request.BillingAddress, "billingAddress", errors);

        var groups = new List<DeliveryGroupDraft>();
        if (request.DeliveryGroups is null)
            errors.Add("deliveryGroups", "deliveryGroups is required.");
        else if (request.DeliveryGroups.Count > MaxDeliveryGroups)
            errors.Add("deliveryGroups", $"An order has at most {MaxDeliveryGroups} delivery groups.");
        else if (request.DeliveryGroups.Sum(g => g?.Lines?.Count ?? 0) > MaxLines)
            errors.Add("deliveryGroups", $"An order has at most {MaxLines} lines in all.");
        else
        {
            for (var g = 0; g < request.DeliveryGroups.Count; g++)
            {
                var group = ToGroup(request.DeliveryGroups[g], $"deliveryGroups[{g}]", errors);
                if (group is not null) groups.Add(group);
            }
        }

        var orderAdjustments = Adjustments(request.OrderAdjustments, "orderAdjustments", errors);
        var payments = new List<PaymentDraft>();
        if (request.Payments?.Count > MaxPayments) errors.Add("payments", $"An order has at most {MaxPayments} payments.");
        for (var p = 0; p < (request.Payments?.Count ?? 0); p++)
        {
            var payment = request.Payments![p];
            var path = $"payments[{p}]";
            if (payment is null) { errors.Add(path, "A payment cannot be null."); continue; }
            var method = Text(payment.Method, $"{path}.method", 40, errors);
            var gateway = Text(payment.Gateway, $"{path}.gateway", 40, errors);
            if (gateway == Exchange.Gateway)
                errors.Add($"{path}.gateway", "The 'exchange' gateway is Waybill's own, for exchange orders' credit; name the gateway that authorized the payment.");
            Optional(payment.GatewayReference, $"{path}.gatewayReference", 200, errors);
            var authorized = Amount(payment.AuthorizedAmount, $"{path}.authorizedAmount", errors);
            payments.Add(new PaymentDraft(method, gateway, payment.GatewayReference, authorized, payment.CapturedAmount ?? 0m,
                payment.AuthorizationExpiresAt?.ToUniversalTime()));
        }

        if (request.Totals is not null)
        {
            var names = new HashSet<string>(OrderTotals.Of(Array.Empty<LineFigures>(), Taxation.Net).ByName().Keys, StringComparer.Ordinal);
            foreach (var name in request.Totals.Keys.Where(k => !names.Contains(k)))
                errors.Add($"totals.{name}", $"'{name}' is not an order total. Known totals: {string.Join(", ", names)}.");
        }

        errors.ThrowIfAny();
        return new OrderDraft(channel, externalReference, request.OrderedAt!.Value.ToUniversalTime(), currency!, request.Taxation!.Value,
            billing, groups, orderAdjustments, payments);
    }

    private static DeliveryGroupDraft? ToGroup(DeliveryGroupInput? group, string path, FieldErrors errors)
    {
        if (group is null) { errors.Add(path, "A delivery group cannot be null."); return null; }
        var reference = Text(group.Reference, $"{path}.reference", 64, errors);
        DeliveryMethod? method = null;
        if (group.DeliveryMethod is null) errors.Add($"{path}.deliveryMethod", "deliveryMethod is required.");
        else
        {
            var code = Text(group.DeliveryMethod.Code, $"{path}.deliveryMethod.code", 64, errors);
            if (group.DeliveryMethod.Type is null) errors.Add($"{path}.deliveryMethod.type", "deliveryMethod.type is required: ship, pickup or digital.");
            if (group.DeliveryMethod.Type == DeliveryMethodType.Pickup && string.IsNullOrWhiteSpace(group.DeliveryMethod.LocationCode))
                errors.Add($"{path}.deliveryMethod.locationCode", "A pickup delivery method names the location to pick up at.");
            method = new DeliveryMethod(code, group.DeliveryMethod.Type ?? DeliveryMethodType.Ship, group.DeliveryMethod.LocationCode);
        }
        var address = Address(group.ShippingAddress, $"{path}.shippingAddress", errors);
        var charge = new DeliveryChargeDraft(
            Amount(group.DeliveryCharge?.Amount ?? 0m, $"{path}.deliveryCharge.amount", errors),
            Amount(group.DeliveryCharge?.TaxAmount ?? 0m, $"{path}.deliveryCharge.taxAmount", errors),
            Adjustments(group.DeliveryCharge?.Adjustments, $"{path}.deliveryCharge.adjustments", errors));

        var lines = new List<LineDraft>();
        if (group.Lines is null) errors.Add($"{path}.lines", "lines is required.");
        for (var l = 0; l < (group.Lines?.Count ?? 0); l++)
        {
            var line = group.Lines![l];
            var lp = $"{path}.lines[{l}]";
            if (line is null) { errors.Add(lp, "A line cannot be null."); continue; }
            var lineReference = Text(line.Reference, $"{lp}.reference", 64, errors);
            var sku = Text(line.Sku, $"{lp}.sku", 100, errors);
            Optional(line.Name, $"{lp}.name", 200, errors);
            // Shape only here (present, in range); the business rules (quantity above zero, price not negative) are the domain's.
            if (line.Quantity is null) errors.Add($"{lp}.quantity", "quantity is required.");
            else if (line.Quantity > 1_000_000) errors.Add($"{lp}.quantity", "The quantity is limited to 1,000,000 a line.");
            var unitPrice = Amount(line.UnitPrice, $"{lp}.unitPrice", errors);
            var taxes = new List<TaxDraft>();
            for (var t = 0; t < (line.Taxes?.Count ?? 0); t++)
            {
                var tax = line.Taxes![t];
                var tp = $"{lp}.taxes[{t}]";
                if (tax is null) { errors.Add(tp, "A tax cannot be null."); continue; }
                taxes.Add(new TaxDraft(Text(tax.Name, $"{tp}.name", 100, errors), tax.Rate, Amount(tax.Amount, $"{tp}.amount", errors)));
            }
            lines.Add(new LineDraft(lineReference, sku, string.IsNullOrWhiteSpace(line.Name) ? sku : line.Name!, line.Quantity ?? 0, unitPrice,
                Adjustments(line.Adjustments, $"{lp}.adjustments", errors), taxes));
        }
        return method is null || address is null ? null : new DeliveryGroupDraft(reference, method, address, charge, lines);
    }

    private static List<AdjustmentDraft> Adjustments(List<AdjustmentInput?>? adjustments, string path, FieldErrors errors)
    {
        var result = new List<AdjustmentDraft>();
        for (var a = 0; a < (adjustments?.Count ?? 0); a++)
        {
            var adjustment = adjustments![a];
            if (adjustment is null) { errors.Add($"{path}[{a}]", "An adjustment cannot be null."); continue; }
            Optional(adjustment.Reference, $"{path}[{a}].reference", 100, errors);
            Optional(adjustment.Description, $"{path}[{a}].description", 200, errors);
            result.Add(new AdjustmentDraft(adjustment.Reference, adjustment.Description, Amount(adjustment.Amount, $"{path}[{a}].amount", errors)));
        }
        return result;
    }

    private const decimal LargestAmount = 1_000_000_000_000m;

    // Bounds that keep one capture one database batch (and a response a client can read).
    public const int MaxDeliveryGroups = 50;
    public const int MaxLines = 500;
    public const int MaxPayments = 20;

    private static decimal Amount(decimal? amount, string path, FieldErrors errors)
    {
        if (amount is null) { errors.Add(path, $"{LastSegment(path)} is required."); return 0m; }
        if (Math.Abs(amount.Value) > LargestAmount) { errors.Add(path, "The amount is too large."); return 0m; }
        return amount.Value;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();
}
