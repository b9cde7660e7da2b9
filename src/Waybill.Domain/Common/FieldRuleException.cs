namespace Waybill.Domain.Common;

/// <summary>
/// A business rule (422) broken by one field of the request: the problem carries the code and names the field, so a client
/// can point at it (receiving more units than a return line still expects).
/// </summary>
public sealed class FieldRuleException(string code, string field, string message) : DomainException(code, message)
{
    public string Field { get; } = field;
}
