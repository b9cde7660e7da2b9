namespace Waybill.Domain.Customers;

/// <summary>A person who orders. Matched by the channel's externalId, else by email (case-insensitive).</summary>
public sealed class Customer
{
    private Customer() { }

    public string Id { get; private set; } = "";
    public string? ExternalId { get; private set; }
    public string Email { get; private set; } = "";
    /// <summary>The email in lower case: the key customers are matched on.</summary>
    public string EmailKey { get; private set; } = "";
    public string? FirstName { get; private set; }
    public string? LastName { get; private set; }
    public string? Phone { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static string KeyOf(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The order's customer among the candidates: the one with the channel's externalId, else the one with the email.</summary>
    public static Customer? Match(IEnumerable<Customer> candidates, string? externalId, string email)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var key = KeyOf(email);
        var list = candidates as IReadOnlyCollection<Customer> ?? [.. candidates];
        return list.FirstOrDefault(c => externalId is not null && c.ExternalId == externalId)
            ?? list.FirstOrDefault(c => c.EmailKey == key);
    }

    public static Customer Register(string id, string? externalId, string email, string? firstName, string? lastName, string? phone, DateTimeOffset now) =>
        new()
        {
            Id = id,
            ExternalId = externalId,
            Email = email.Trim(),
            EmailKey = KeyOf(email),
            FirstName = firstName,
            LastName = lastName,
            Phone = phone,
            CreatedAt = now,
        };
}
