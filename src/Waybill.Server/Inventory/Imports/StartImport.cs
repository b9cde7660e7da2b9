using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// <c>POST /api/v1/inventory/imports?mode=full|delta</c> with an NDJSON or CSV body: the body is spooled to disk as it
/// arrives (up to 1 GiB, never held in memory), the import is recorded <c>queued</c> and answered 202 at once; the
/// <see cref="ImportWorker"/> applies it and <c>GET …/imports/{id}</c> shows how far it got.
/// </summary>
public static class StartImport
{
    public static RouteHandlerBuilder MapStartImport(this RouteGroupBuilder inventory) => inventory
        .MapPost("/imports", Handle)
        .RequireAuthorization(Policies.Admin)
        // The body may be 1 GiB: Idempotency-Key hashes it as it streams instead of buffering it first.
        .WithMetadata(new IdempotencyOfStreamedBody())
        // Described rather than declared with Accepts: routing would answer other content types itself, as if JSON were wanted.
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "One stock record a line: NDJSON, or CSV with a header row.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/x-ndjson"] = new(),
                    ["text/csv"] = new(),
                },
            };
            return Task.CompletedTask;
        })
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType, Problems.ContentType)
        .WithName("StartImport")
        .WithSummary("Import stock records (NDJSON or CSV) as a job: full or delta");

    public static async Task<Accepted<ImportResponse>> Handle(
        [FromQuery] string? mode, HttpContext http, WaybillDb db, RequestCommit commit, ImportQueue queue, ImportNode node, IIdGenerator ids, IClock clock,
        CancellationToken cancellationToken)
    {
        var importMode = mode switch
        {
            "full" => ImportMode.Full,
            "delta" => ImportMode.Delta,
            _ => throw new DomainValidationException(new Dictionary<string, string[]>
            {
                ["mode"] = [mode is null ? "mode is required: full or delta." : $"mode is full or delta, not '{mode}'."],
            }),
        };
        if (!StockFileReader.TryFormatOf(http.Request.ContentType, out var format))
            throw new ProblemException(Problems.Create(415, "unsupported_media_type", "Send NDJSON or CSV.",
                "Use 'Content-Type: application/x-ndjson' (one JSON record a line) or 'Content-Type: text/csv'."));

        var import = StockImport.Queue(ids.NewId(), importMode, http.User.Actor(), node.Id, clock.UtcNow);
        var file = queue.FileFor(import.Id, format);
        var response = ImportResponse.From(import);
        try
        {
            // The whole body reaches the disk before the import is recorded: a client that gives up halfway leaves nothing behind.
            await using (var spool = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                try
                {
                    await http.Request.Body.CopyToAsync(spool, cancellationToken);
                }
                catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    // A chunked body (no Content-Length to refuse up front) that went past the limit while streaming.
                    throw new ProblemException(Problems.PayloadTooLarge(RequestLimits.ImportBodyLimit));
                }
            }
            db.StockImports.Add(import);
            await commit.SaveAsync(StatusCodes.Status202Accepted, response, ImportResponse.PathOf(import.Id), cancellationToken);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
        queue.Enqueue(new QueuedImport(import.Id, file, format));
        return TypedResults.Accepted(ImportResponse.PathOf(import.Id), response);
    }
}
