using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>One new line of an exchange: a SKU and a quantity, and a price when not the returned line's.</summary>
public sealed record ExchangeRequestLine(string Sku, int Quantity, decimal? UnitPrice);

/// <summary>
/// What an exchange will do (decision 0037), computed from the original order, changing nothing.
/// </summary>
/// <param name="Change">The change order the return will make once received whole, fee included, as kind <c>exchange</c>: never saved itself
/// (each receipt of the return order saves its own <c>return</c> change order).</param>
/// <param name="ReturnedValue">What the returned units give back: their unit shares, tax included, no fee.</param>
/// <param name="NewValue">The exchange order's grand total.</param>
/// <param name="Credit">What the returned units pay of the exchange order: the smaller of the two values.</param>
/// <param name="Fees">The return order's one fee (<c>exchange</c>, <see cref="Credit"/>), none when the credit is zero.</param>
/// <param name="ExchangeOrder">The new order to capture: channel <c>exchange</c>, paid by one <c>exchange_credit</c> payment of <see cref="Credit"/>.</param>
public sealed record ExchangePlan(ChangeOrder Change, decimal ReturnedValue, decimal NewValue, decimal Credit, IReadOnlyList<ReturnFee> Fees,
    OrderDraft ExchangeOrder)
{
    /// <summary>What the customer owes beyond the returned value (invoiced on the exchange order when it ships).</summary>
    public decimal Owed => Math.Max(0m, NewValue - ReturnedValue);

    /// <summary>What comes back to the customer (the return's credit memo, refunded by flow 6).</summary>
    public decimal Refunded => Math.Max(0m, ReturnedValue - NewValue);
}

/// <summary>
/// An exchange (api.md "Changes", decision 0037): units of an order come back on a return order, and new units go out on
/// a new order of channel <c>exchange</c>. The returned value pays the new order up to its total through an
/// <c>exchange_credit</c> payment already captured; the return order carries the same amount as its <c>exchange</c> fee,
/// so its credit memo gives back only what the new order did not use. An even exchange moves no money.
/// </summary>
public static class Exchange
{
    public const string Channel = "exchange";
    public const string PaymentMethod = "exchange_credit";
    public const string Gateway = "exchange";
    public const string FeeType = "exchange";
    public const int MaxNewLines = 500;
    private const int MaxQuantity = 1_000_000;

    /// <summary>
    /// Plans an exchange. New lines cost the returned line's unit price unless given one; they carry tax at that line's
    /// effective rate (its current tax ÷ its current adjusted amount), rounded half away from zero to the minor unit. The
    /// returned line of a new line is the return line at the same position, else the first. Bad input throws field errors
    /// named after the request (<c>returnLines[i].…</c>, <c>newLines[i].…</c>, <c>deliveryGroupId</c>); more units than can be
    /// returned is <c>quantity_not_returnable</c> naming the return line's quantity.
    /// </summary>
    /// <param name="externalReference">The exchange order's reference in channel <c>exchange</c> (unique there).</param>
    public static ExchangePlan Plan(Order original, string changeOrderId, string externalReference, IReadOnlyList<ReturnRequestLine> returnLines,
        IReadOnlyList<ExchangeRequestLine> newLines, string? deliveryGroupId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(returnLines);
        ArgumentNullException.ThrowIfNull(newLines);
        var currency = original.Currency;
        var errors = new FieldErrors();
        var byId = original.ProductLines.ToDictionary(l => l.Id, StringComparer.Ordinal);
        if (returnLines.Count == 0) errors.Add("returnLines", "Name at least one line coming back.");
        for (var i = 0; i < returnLines.Count; i++)
        {
            if (!byId.ContainsKey(returnLines[i].LineId)) errors.Add($"returnLines[{i}].lineId", $"The order has no product line '{returnLines[i].LineId}'.");
            if (returnLines[i].Quantity <= 0) errors.Add($"returnLines[{i}].quantity", "quantity is a whole number above zero.");
        }
        if (newLines.Count == 0) errors.Add("newLines", "Name at least one line to send out.");
        else if (newLines.Count > MaxNewLines) errors.Add("newLines", $"At most {MaxNewLines} new lines an exchange.");
        for (var i = 0; i < newLines.Count; i++)
        {
            var line = newLines[i];
            var path = $"newLines[{i}]";
            if (string.IsNullOrWhiteSpace(line.Sku)) errors.Add($"{path}.sku", "sku is required.");
            else if (line.Sku.Length > 100) errors.Add($"{path}.sku", "sku is at most 100 characters.");
            if (line.Quantity <= 0) errors.Add($"{path}.quantity", "quantity is a whole number above zero.");
            else if (line.Quantity > MaxQuantity) errors.Add($"{path}.quantity", $"The quantity is limited to {MaxQuantity:N0} a line.");
            if (line.UnitPrice is { } price)
            {
                if (price < 0) errors.Add($"{path}.unitPrice", "unitPrice is not negative.");
                else if (!currency.Allows(price)) errors.Add($"{path}.unitPrice", $"{currency.Code} amounts have at most {currency.MinorUnits} decimals.");
                else if (price > CaptureRules.LargestLineAmount) errors.Add($"{path}.unitPrice", "The amount is too large.");
            }
        }
        DeliveryGroup? group = null;
        if (deliveryGroupId is not null)
        {
            group = original.DeliveryGroups.FirstOrDefault(g => g.Id == deliveryGroupId);
            if (group is null) errors.Add("deliveryGroupId", $"The order has no delivery group '{deliveryGroupId}'.");
        }
        errors.ThrowIfAny();

        // Checked here rather than by the return so the problem names the request's field.
        var asked = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < returnLines.Count; i++)
        {
            var line = byId[returnLines[i].LineId];
            asked[line.Id] = asked.GetValueOrDefault(line.Id) + returnLines[i].Quantity;
            if (asked[line.Id] > line.QuantityAvailableToReturn)
                throw new FieldRuleException("quantity_not_returnable", $"returnLines[{i}].quantity",
                    $"Line {line.Reference} ({line.Sku}) has {line.QuantityAvailableToReturn} units that can be returned (shipped, not on a return yet); {asked[line.Id]} cannot be.");
        }

        var reason = returnLines.Select(l => l.Reason).Distinct().ToList() is [var only] ? only : null;
        var returned = -original.PreviewReturn(changeOrderId, returnLines, reduceShipping: false, [], reason, now).TotalDelta;
        var source = byId[returnLines[0].LineId];
        group ??= original.DeliveryGroups.First(g => g.Id == source.DeliveryGroupId);

        var drafts = new List<LineDraft>();
        var newValue = 0m;
        for (var i = 0; i < newLines.Count; i++)
        {
            var line = newLines[i];
            var from = i < returnLines.Count ? byId[returnLines[i].LineId] : source;
            var price = line.UnitPrice ?? from.UnitPrice;
            var amount = price * line.Quantity;
            var tax = currency.Round(amount * TaxRateOf(from));
            var sku = line.Sku.Trim();
            drafts.Add(new LineDraft($"x{i + 1}", sku, from.Sku == sku ? from.Name : sku, line.Quantity, price, [],
                tax == 0 ? [] : [new TaxDraft("Exchange tax", null, tax)]));
            newValue += original.Taxation == Taxation.Gross ? amount : amount + tax;
        }

        var credit = Math.Min(returned, newValue);
        IReadOnlyList<ReturnFee> fees = credit > 0 ? [new ReturnFee(FeeType, credit)] : [];
        IReadOnlyList<PaymentDraft> payments = credit > 0 ? [new PaymentDraft(PaymentMethod, Gateway, externalReference, credit, credit, null)] : [];
        var draft = new OrderDraft(Channel, externalReference, now, currency, original.Taxation, original.BillingAddress,
            // Copies: the new group owns its delivery method (an owned entity belongs to one group).
            [new DeliveryGroupDraft(group.Reference, group.DeliveryMethod with { }, group.ShippingAddress with { }, new DeliveryChargeDraft(0m, 0m, []), drafts)],
            [], payments)
        {
            OriginalOrderId = original.Id,
        };
        var withFee = original.PreviewReturn(changeOrderId, returnLines, reduceShipping: false, fees, reason, now);
        var change = new ChangeOrder(changeOrderId, original.Id, ChangeOrderKind.Exchange, reason, withFee.Lines, original.Taxation, now);
        return new ExchangePlan(change, returned, newValue, credit, fees, draft);
    }

    /// <summary>The line's effective tax rate now: its tax over its adjusted amount (under gross taxation, the included part's share).</summary>
    public static decimal TaxRateOf(OrderLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.AdjustedAmount == 0 ? 0m : line.TaxAmount / line.AdjustedAmount;
    }
}
