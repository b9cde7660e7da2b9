using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Server.Data;

namespace Waybill.Server.Orders.Changes;

/// <summary><c>{ "lineId", "quantity", "reason"? }</c> of a cancel or a return: checked in shape here, against the order in the domain.</summary>
public sealed record ChangeLineInput(string? LineId, int? Quantity, string? Reason);

/// <summary>What cancels and returns read from a request and from the order's other records alike.</summary>
public static partial class ChangeInputs
{
    public const int MaxLines = 2000;

    /// <summary>
    /// The lines' shape: present, at most <see cref="MaxLines"/>, each with a line id, a quantity above zero and a short
    /// reason code. Field errors are named under <paramref name="field"/> (<c>lines</c>, an exchange's <c>returnLines</c>).
    /// </summary>
    public static List<ChangeLineInput> ParseLines(List<ChangeLineInput?>? lines, string what, FieldErrors errors, string field = "lines") =>
        EachLine(lines, field, $"Name at least one line to {what}.", MaxLines, $"At most {MaxLines} lines a request.", errors, (line, path) =>
        {
            if (string.IsNullOrWhiteSpace(line.LineId)) errors.Add($"{path}.lineId", "lineId is required.");
            if (line.Quantity is null) errors.Add($"{path}.quantity", "quantity is required.");
            else if (line.Quantity <= 0) errors.Add($"{path}.quantity", "quantity is a whole number above zero.");
            CheckCode(line.Reason, $"{path}.reason", errors);
            return new ChangeLineInput(line.LineId?.Trim() ?? "", line.Quantity ?? 0, line.Reason);
        });

    /// <summary>
    /// The shape every list of lines in a change request shares: present and not empty, at most <paramref name="max"/>, no
    /// null line; each line parsed by <paramref name="parse"/> with its field path (<c>lines[2]</c>).
    /// </summary>
    public static List<TOut> EachLine<TIn, TOut>(List<TIn?>? lines, string field, string emptyMessage, int max, string tooManyMessage, FieldErrors errors,
        Func<TIn, string, TOut> parse) where TIn : class
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(parse);
        var parsed = new List<TOut>();
        if (lines is null || lines.Count == 0) errors.Add(field, emptyMessage);
        else if (lines.Count > max) errors.Add(field, tooManyMessage);
        else
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var path = $"{field}[{i}]";
                if (lines[i] is { } line) parsed.Add(parse(line, path));
                else errors.Add(path, "A line cannot be null.");
            }
        }
        return parsed;
    }

    /// <summary>A reason or a fee type: a short code of letters, digits and <c>_</c>.</summary>
    public static void CheckCode(string? code, string field, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (code is not null && !ReasonCode().IsMatch(code)) errors.Add(field, $"{field[(field.LastIndexOf('.') + 1)..]} is a short code: letters, digits and _, at most 64.");
    }

    /// <summary>The change order's reason: the lines' reason when they all give the same one.</summary>
    public static string? ReasonOf(IEnumerable<string?> reasons) =>
        reasons.Distinct().ToList() is [var only] ? only : null;

    /// <summary>The order's delivery charges already invoiced: a cancel leaves them as billed; a return credits their reduction.</summary>
    public static async Task<IReadOnlySet<string>> BilledChargesAsync(WaybillDb db, string orderId, CancellationToken cancellationToken) =>
        (await db.Set<Domain.Payments.InvoiceLine>()
            .Where(l => l.Type == OrderLineType.DeliveryCharge && db.Set<Domain.Payments.Invoice>().Any(i => i.Id == l.InvoiceId && i.OrderId == orderId))
            .Select(l => l.OrderLineId!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex ReasonCode();
}
