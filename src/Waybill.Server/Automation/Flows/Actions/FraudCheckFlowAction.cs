using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation.Fraud;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Automation.Flows.Actions;

/// <summary>
/// <c>fraud_check</c> <c>{ orderId, maxGrandTotal?, maxOrdersPerEmail?, … }</c>: gathers what the check needs from the
/// database — the order, and how many orders within the window share its email or a shipping address line — and asks
/// the registered <see cref="IFraudCheck"/>. Output the assessment (<c>decision</c>, <c>score</c>, <c>summary</c>, <c>reasons</c>).
/// </summary>
public sealed class FraudCheckFlowAction(WaybillDb db, IFraudCheck check) : IFlowAction
{
    public string Name => "fraud_check";

    public bool ChangesNothing => true;

    public async Task<JsonNode?> RunAsync(FlowActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var orderId = FlowInput.RequiredText(input, "orderId");
        FraudThresholds thresholds;
        try
        {
            thresholds = FraudThresholds.FromStepInput(input);
        }
        catch (DomainValidationException e)
        {
            throw FlowInput.From(e);
        }
        // Read-only and lean: the order with its lines (its totals), no tracking, one round trip; then the email with its
        // count in the window.
        var order = await db.Orders.AsNoTracking().Include(o => o.DeliveryGroups).ThenInclude(g => g.Lines).AsSingleQuery()
            .FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("order", orderId));
        // The window ends at the order's capture, so a check that runs late (a retry) sees what it would have seen then.
        var since = order.CreatedAt.AddMinutes(-thresholds.WindowMinutes);
        var until = order.CreatedAt;
        var customerId = order.CustomerId;
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new
            {
                c.Email,
                SameEmail = db.Orders.Count(o => o.CustomerId == customerId && o.CreatedAt >= since && o.CreatedAt <= until),
            })
            .FirstAsync(cancellationToken);
        var sameEmail = customer.SameEmail;
        var shipping = order.DeliveryGroups.Where(g => g.DeliveryMethod.Type == DeliveryMethodType.Ship).ToList();
        var shipTos = new List<FraudShipTo>();
        if (shipping.Count > 0)
        {
            // Each group's first line is kept normalised and indexed (ShipToKey): the orders to it in the window are counted
            // by the database, however many orders the window holds.
            var window = db.Orders.Where(o => o.CreatedAt >= since && o.CreatedAt <= until);
            foreach (var group in shipping)
            {
                var key = group.ShipToKey;
                var count = key is null ? 1 : await db.DeliveryGroups.Where(g => g.ShipToKey == key)
                    .Join(window, g => g.OrderId, o => o.Id, (g, o) => o.Id).Distinct().CountAsync(cancellationToken);
                shipTos.Add(new FraudShipTo(group.ShippingAddress.Country, group.ShippingAddress.Line1, Math.Max(count, 1)));
            }
        }
        var fraudInput = new FraudInput
        {
            GrandTotal = order.Totals.GrandTotalAmount,
            Currency = order.CurrencyCode,
            Email = customer.Email,
            BillingCountry = order.BillingAddress?.Country,
            RecentOrdersWithSameEmail = Math.Max(sameEmail, 1),
            ShipTos = shipTos,
        };
        return check.Assess(fraudInput, thresholds).ToJson();
    }
}
