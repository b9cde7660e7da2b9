namespace Waybill.Server.Payments.Gateways;

/// <summary>The gateways this node knows (every <see cref="IPaymentGateway"/> in DI), found by the name orders carry.</summary>
public sealed class PaymentGateways(IEnumerable<IPaymentGateway> gateways)
{
    private readonly IReadOnlyList<IPaymentGateway> _gateways = [.. gateways];

    public IReadOnlyList<IPaymentGateway> All => _gateways;

    /// <summary>The gateway of this exact name (names are case-sensitive, as in the orders that carry them), or null.</summary>
    public IPaymentGateway? Find(string name) =>
        _gateways.LastOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));
}
