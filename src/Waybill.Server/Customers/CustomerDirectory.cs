using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Customers;
using Waybill.Server.Data;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Customers;

/// <summary>Finds the customer an order belongs to: by the channel's externalId, else by email (any case); else registers one.</summary>
public sealed class CustomerDirectory(WaybillDb db, IIdGenerator ids, IClock clock)
{
    public async Task<Customer> MatchOrRegisterAsync(CaptureOrder.CustomerInput input, CancellationToken cancellationToken)
    {
        // One query finds both candidates; the externalId match wins over the email match.
        var key = Customer.KeyOf(input.Email!);
        var externalId = string.IsNullOrWhiteSpace(input.ExternalId) ? null : input.ExternalId;
        var candidates = await db.Customers
            .Where(c => c.EmailKey == key || (externalId != null && c.ExternalId == externalId))
            .Take(2)
            .ToListAsync(cancellationToken);
        var customer = candidates.FirstOrDefault(c => externalId is not null && c.ExternalId == externalId)
            ?? candidates.FirstOrDefault(c => c.EmailKey == key);
        if (customer is not null) return customer;

        customer = Customer.Register(ids.NewId(), input.ExternalId, input.Email!, input.FirstName, input.LastName, input.Phone, clock.UtcNow);
        db.Customers.Add(customer);
        return customer;
    }
}
