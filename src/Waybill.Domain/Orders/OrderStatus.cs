namespace Waybill.Domain.Orders;

public enum OrderStatus
{
    Created,
    OnHold,
    Approved,
    Backordered,
    WaitingToFulfill,
    PartiallyFulfilled,
    Fulfilled,
    Closed,
    Canceled,
}

public enum OrderLineStatus
{
    Ordered,
    PartiallyAllocated,
    Allocated,
    PartiallyFulfilled,
    Fulfilled,
    Canceled,
    Returned,
}

public enum PaymentStatus
{
    None,
    Authorized,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
}

public enum Taxation
{
    /// <summary>Tax is added on top of prices (US style).</summary>
    Net,
    /// <summary>Prices include VAT (EU style); tax lines are the included part.</summary>
    Gross,
}

public enum OrderLineType
{
    Product,
    DeliveryCharge,
    /// <summary>A change order's fee (restocking, return shipping): never an order line, only a change-order line.</summary>
    Fee,
}

public enum DeliveryMethodType
{
    Ship,
    Pickup,
    Digital,
}
