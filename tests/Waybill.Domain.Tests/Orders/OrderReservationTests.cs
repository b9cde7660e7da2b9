using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

/// <summary>What the capture's reservation held is spread back over the order's lines exactly.</summary>
public class OrderReservationTests
{
    [Property(MaxTest = 300)]
    public Property Lines_get_what_was_held_for_their_sku_earlier_lines_first_and_never_more_than_ordered() =>
        Prop.ForAll(RandomOrders.Drafts(), Gen.Choose(0, 100).ToArbitrary(), (draft, percent) =>
        {
            var order = Order.Capture(draft, "WB-000001", "c1", new SequentialIds(), DateTimeOffset.UnixEpoch);
            var needs = order.StockToReserve("WEB");
            // Each SKU gets some share of what it needs, as a short stock would give.
            var held = needs.Select(n => n with { Quantity = n.Quantity * percent / 100 }).ToList();
            order.RecordReservation("r1", "WEB", held);

            var lines = order.ProductLines.Where(l => order.DeliveryGroups.Single(g => g.Id == l.DeliveryGroupId).DeliveryMethod.Type != DeliveryMethodType.Digital).ToList();
            foreach (var need in held)
            {
                var ofSku = lines.Where(l => l.Sku == need.Sku && TargetOf(order, l) == need.Target).ToList();
                if (ofSku.Sum(l => l.QuantityReserved) != need.Quantity) return false;
                // Earlier lines are served first: a line short of its quantity leaves nothing for later lines.
                var shortSeen = false;
                foreach (var line in ofSku)
                {
                    if (line.QuantityReserved > line.QuantityOrdered || (shortSeen && line.QuantityReserved > 0)) return false;
                    if (line.QuantityReserved < line.QuantityOrdered) shortSeen = true;
                }
            }
            return true;
        });

    private static StockTarget TargetOf(Order order, OrderLine line)
    {
        var method = order.DeliveryGroups.Single(g => g.Id == line.DeliveryGroupId).DeliveryMethod;
        return method.Type == DeliveryMethodType.Pickup && method.LocationCode is { } store ? StockTarget.Location(store) : StockTarget.Group("WEB");
    }
}
