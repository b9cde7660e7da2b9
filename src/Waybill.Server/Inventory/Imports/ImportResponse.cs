using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// A stock import as the API shows it. <c>recordsTotal</c> counts the lines read so far (blank lines aside), so while it
/// runs <c>recordsTotal = recordsApplied + recordsAlreadyApplied + errorCount</c> moves batch by batch; <c>errors</c>
/// holds the first <see cref="StockImport.MaxReportedErrors"/> bad lines, <c>errorCount</c> all of them.
/// </summary>
public sealed record ImportResponse(
    string Id,
    ImportStatus Status,
    ImportMode Mode,
    long RecordsTotal,
    long RecordsApplied,
    long RecordsAlreadyApplied,
    long ErrorCount,
    IReadOnlyList<ImportError> Errors,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Version)
{
    public static ImportResponse From(StockImport import) => new(
        import.Id, import.Status, import.Mode, import.RecordsTotal, import.RecordsApplied, import.RecordsAlreadyApplied, import.ErrorCount,
        import.Errors, import.FailureReason, import.CreatedAt, import.StartedAt, import.FinishedAt, import.Version);

    public static string PathOf(string id) => $"/api/v1/inventory/imports/{id}";
}
