namespace Waybill.Domain.Common;

/// <summary>A business rule said no. <see cref="Code"/> is the machine-readable problem code of api.md.</summary>
public class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>An action that the object's status does not allow (409 invalid_transition).</summary>
public sealed class InvalidTransitionException(string entity, string status, string action)
    : DomainException("invalid_transition", $"Cannot {action} {Article(entity)} {entity} that is {status}.")
{
    public string Entity { get; } = entity;
    public string Status { get; } = status;
    public string Action { get; } = action;

    private static string Article(string word) => "aeiou".Contains(word[0], StringComparison.OrdinalIgnoreCase) ? "an" : "a";
}
