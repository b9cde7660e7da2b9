using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>The money and quantity rules a captured order must keep, reported per request field.</summary>
internal static class CaptureRules
{
    /// <summary>What one line may be worth: 500 such lines still fit every column and every sum in minor units.</summary>
    public const decimal LargestLineAmount = 1_000_000_000_000m;

    public static void Check(OrderDraft draft, FieldErrors errors)
    {
        var currency = draft.Currency;
        if (draft.DeliveryGroups.Count == 0) errors.Add("deliveryGroups", "An order needs at least one delivery group.");

        var groupReferences = new HashSet<string>(StringComparer.Ordinal);
        var lineReferences = new HashSet<string>(StringComparer.Ordinal);
        for (var g = 0; g < draft.DeliveryGroups.Count; g++)
        {
            var group = draft.DeliveryGroups[g];
            var gp = $"deliveryGroups[{g}]";
            if (!groupReferences.Add(group.Reference)) errors.Add($"{gp}.reference", $"The delivery group reference '{group.Reference}' is used twice.");
            if (group.Lines.Count == 0) errors.Add($"{gp}.lines", "A delivery group needs at least one line.");

            var charge = group.DeliveryCharge;
            CheckAmount(currency, charge.Amount, $"{gp}.deliveryCharge.amount", errors, mustBeNonNegative: true);
            CheckAmount(currency, charge.TaxAmount, $"{gp}.deliveryCharge.taxAmount", errors, mustBeNonNegative: true);
            CheckAdjustments(currency, charge.Adjustments, charge.Amount, $"{gp}.deliveryCharge.adjustments", errors);
            if (draft.Taxation == Taxation.Gross && charge.TaxAmount > charge.Amount + charge.Adjustments.Sum(a => a.Amount))
                errors.Add($"{gp}.deliveryCharge.taxAmount", "Under gross taxation the included tax cannot exceed the charge after adjustments.");

            for (var l = 0; l < group.Lines.Count; l++)
            {
                var line = group.Lines[l];
                var lp = $"{gp}.lines[{l}]";
                if (!lineReferences.Add(line.Reference)) errors.Add($"{lp}.reference", $"The line reference '{line.Reference}' is used twice in this order.");
                if (line.Quantity <= 0) errors.Add($"{lp}.quantity", "The quantity must be a whole number greater than zero.");
                CheckAmount(currency, line.UnitPrice, $"{lp}.unitPrice", errors, mustBeNonNegative: true);
                var lineAmount = line.UnitPrice * Math.Max(line.Quantity, 0);
                CheckAdjustments(currency, line.Adjustments, lineAmount, $"{lp}.adjustments", errors);
                for (var t = 0; t < line.Taxes.Count; t++)
                    CheckAmount(currency, line.Taxes[t].Amount, $"{lp}.taxes[{t}].amount", errors, mustBeNonNegative: true);
                if (lineAmount > LargestLineAmount)
                    errors.Add($"{lp}.unitPrice", $"unitPrice × quantity is at most {LargestLineAmount:N0} a line.");
            }
        }

        for (var i = 0; i < draft.OrderAdjustments.Count; i++)
        {
            var amount = draft.OrderAdjustments[i].Amount;
            CheckAmount(currency, amount, $"orderAdjustments[{i}].amount", errors, mustBeNonNegative: false);
            if (amount > 0) errors.Add($"orderAdjustments[{i}].amount", "An adjustment is a discount: zero or negative.");
        }

        for (var p = 0; p < draft.Payments.Count; p++)
            CheckPayment(currency, draft.Payments[p], $"payments[{p}].", errors);
    }

    /// <param name="prefix">The payment's path in the request with a trailing dot (<c>payments[0].</c>), or empty for a body that is the payment.</param>
    public static void CheckPayment(Currency currency, PaymentDraft payment, string prefix, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(errors);
        CheckAmount(currency, payment.AuthorizedAmount, $"{prefix}authorizedAmount", errors, mustBeNonNegative: true);
        CheckAmount(currency, payment.CapturedAmount, $"{prefix}capturedAmount", errors, mustBeNonNegative: true);
        if (payment.CapturedAmount > payment.AuthorizedAmount)
            errors.Add($"{prefix}capturedAmount", "More cannot be captured than was authorized.");
    }

    private static void CheckAdjustments(Currency currency, IReadOnlyList<AdjustmentDraft> adjustments, decimal lineAmount, string path, FieldErrors errors)
    {
        for (var a = 0; a < adjustments.Count; a++)
        {
            var amount = adjustments[a].Amount;
            CheckAmount(currency, amount, $"{path}[{a}].amount", errors, mustBeNonNegative: false);
            if (amount > 0) errors.Add($"{path}[{a}].amount", "An adjustment is a discount: zero or negative.");
        }
        if (-adjustments.Sum(a => a.Amount) > lineAmount)
            errors.Add(path, $"The adjustments ({adjustments.Sum(a => a.Amount)}) are larger than the amount they discount ({lineAmount}).");
    }

    private static void CheckAmount(Currency currency, decimal amount, string path, FieldErrors errors, bool mustBeNonNegative)
    {
        if (!currency.Allows(amount)) errors.Add(path, $"{currency.Code} amounts have at most {currency.MinorUnits} decimals.");
        if (mustBeNonNegative && amount < 0) errors.Add(path, "The amount must not be negative.");
    }
}
