namespace Waybill.Domain.Payments;

/// <summary>A payment summary as ensure-funds or ensure-refunds sees it: what can still be taken from it.</summary>
public sealed record PaymentAvailability(string PaymentId, decimal Available);

/// <summary>One amount to take from one payment summary.</summary>
public sealed record PaymentDraw(string PaymentId, decimal Amount);

/// <summary>
/// Which payments cover an amount (domain.md "Payments"): a payment whose available amount matches what is left
/// exactly first, otherwise the largest; repeat until it is covered or nothing is left. Ties go to the earlier payment.
/// The same rule serves captures (available to capture) and refunds (available to refund).
/// </summary>
public static class FundsPlan
{
    public static IReadOnlyList<PaymentDraw> Cover(decimal amount, IEnumerable<PaymentAvailability> payments)
    {
        ArgumentNullException.ThrowIfNull(payments);
        var open = payments.Where(p => p.Available > 0).ToList();
        var draws = new List<PaymentDraw>();
        var left = amount;
        while (left > 0 && open.Count > 0)
        {
            var exact = open.FindIndex(p => p.Available == left);
            var pick = exact >= 0 ? exact : LargestIndex(open);
            var take = Math.Min(open[pick].Available, left);
            draws.Add(new PaymentDraw(open[pick].PaymentId, take));
            left -= take;
            open.RemoveAt(pick);
        }
        return draws;
    }

    private static int LargestIndex(List<PaymentAvailability> open)
    {
        var best = 0;
        for (var i = 1; i < open.Count; i++)
            if (open[i].Available > open[best].Available) best = i;
        return best;
    }
}
