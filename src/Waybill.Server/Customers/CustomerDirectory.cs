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
        Customer? customer = null;
        if (!string.IsNullOrWhiteSpace(input.ExternalId))
            customer = await db.Customers.FirstOrDefaultAsync(c => c.ExternalId == input.ExternalId, cancellationToken);
        if (customer is null)
        {
            var key = Customer.KeyOf(input.Email!);
            customer = await db.Customers.FirstOrDefaultAsync(c => c.EmailKey == key, cancellationToken);
        }
        if (customer is not null) return customer;

        customer = Customer.Register(ids.NewId(), input.ExternalId, input.Email!, input.FirstName, input.LastName, input.Phone, clock.UtcNow);
        db.Customers.Add(customer);
        return customer;
    }
}
