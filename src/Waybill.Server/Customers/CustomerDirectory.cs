using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Customers;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Customers;

/// <summary>Finds the customer an order belongs to: by the channel's externalId, else by email (any case); else registers one.</summary>
public sealed class CustomerDirectory(WaybillDb db, KnownCustomers known, IIdGenerator ids, IClock clock)
{
    private CustomerResponse? _registered;

    public async Task<CustomerResponse> MatchOrRegisterAsync(CaptureOrder.CustomerInput input, CancellationToken cancellationToken)
    {
        _registered = null;
        var key = Customer.KeyOf(input.Email!);
        var externalId = string.IsNullOrWhiteSpace(input.ExternalId) ? null : input.ExternalId;
        if (known.TryMatch(externalId, key, out var remembered)) return remembered;

        // One query fetches both candidates; the domain decides which one the order belongs to.
        var candidates = await db.Customers.AsNoTracking()
            .Where(c => c.EmailKey == key || (externalId != null && c.ExternalId == externalId))
            .Take(2)
            .ToListAsync(cancellationToken);
        var customer = Customer.Match(candidates, externalId, input.Email!);
        if (customer is not null)
        {
            var found = CustomerResponse.From(customer);
            known.Remember(found);
            return found;
        }

        customer = Customer.Register(ids.NewId(), externalId, input.Email!, input.FirstName, input.LastName, input.Phone, clock.UtcNow);
        db.Customers.Add(customer);
        _registered = CustomerResponse.From(customer);
        return _registered;
    }

    /// <summary>Called once the unit of work committed: a customer registered in it now exists for every node.</summary>
    public void Committed()
    {
        if (_registered is not null) known.Remember(_registered);
        _registered = null;
    }
}

/// <summary>
/// Customers this node has seen committed, so a returning customer's order skips the look-up. Safe to keep because a
/// customer row is never deleted and its id never changes; a miss just asks the database. When the channel sends an
/// externalId only a hit on that externalId counts, so an email hit can never win over an externalId match elsewhere.
/// </summary>
public sealed class KnownCustomers
{
    private const int Capacity = 200_000;
    private readonly ConcurrentDictionary<string, CustomerResponse> _byExternalId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CustomerResponse> _byEmailKey = new(StringComparer.Ordinal);

    public bool TryMatch(string? externalId, string emailKey, out CustomerResponse customer) =>
        externalId is not null
            ? _byExternalId.TryGetValue(externalId, out customer!)
            : _byEmailKey.TryGetValue(emailKey, out customer!);

    public void Remember(CustomerResponse customer)
    {
        if (_byEmailKey.Count >= Capacity)
        {
            // A crude bound on memory: start over rather than track recency on the hot path.
            _byEmailKey.Clear();
            _byExternalId.Clear();
        }
        _byEmailKey[Customer.KeyOf(customer.Email)] = customer;
        if (customer.ExternalId is not null) _byExternalId[customer.ExternalId] = customer;
    }
}
