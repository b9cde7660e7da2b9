namespace Waybill.Domain.Common;

/// <summary>Makes ids. Tests and simulations plug in their own; the server's is time-ordered.</summary>
public interface IIdGenerator
{
    string NewId();
}
