namespace Waybill.Bench.Import;

/// <summary>The <c>import</c> command's options, parsed and validated by Program.cs.</summary>
public sealed record ImportOptions(
    string Database,
    int Records,
    int Locations,
    int Runs,
    int? BatchSize,
    string? ServerDll,
    string? ResultsPath,
    bool KeepFile)
{
    /// <summary>SKUs per location: the records spread evenly over the locations.</summary>
    public int SkusPerLocation => (Records + Locations - 1) / Locations;
}
