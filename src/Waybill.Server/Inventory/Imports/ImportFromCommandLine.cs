using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// <c>waybill import &lt;file&gt; --mode full|delta [--format ndjson|csv]</c> (api.md "Running"): applies a stock file to the
/// database straight from the machine the file is on — the same import as <c>POST /api/v1/inventory/imports</c>, recorded
/// the same way (so <c>GET /api/v1/inventory/imports/{id}</c> shows it), run in this process with its progress printed.
/// For a nightly job on the database host, without an API key or an upload. Exit code 0: completed (bad lines are
/// listed, like the API's <c>errors</c>); 1: failed; 2: wrong arguments.
/// </summary>
public static class ImportFromCommandLine
{
    public const string Name = "import";
    public const string Usage = "usage: waybill import <file> --mode full|delta [--format ndjson|csv] [--database …]";

    /// <summary>The arguments that are the command's own (the rest go to the host: --database and the like).</summary>
    public sealed record Arguments(string File, ImportMode Mode, StockFileFormat Format);

    public static (Arguments? Arguments, string[] HostArgs, string? Error) Parse(string[] args)
    {
        string? file = null, mode = null, format = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mode" when i + 1 < args.Length: mode = args[++i]; break;
                case "--format" when i + 1 < args.Length: format = args[++i]; break;
                case var a when !a.StartsWith('-') && file is null && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)): file = a; break;
                default: rest.Add(args[i]); break;
            }
        }
        if (file is null) return (null, [], "the file to import is missing.");
        if (!File.Exists(file)) return (null, [], $"'{file}' does not exist.");
        ImportMode? importMode = mode switch { "full" => ImportMode.Full, "delta" => ImportMode.Delta, _ => null };
        if (importMode is null) return (null, [], mode is null ? "--mode is required: full or delta." : $"--mode is full or delta, not '{mode}'.");
        // Like the API's Content-Type, the format is said, or follows from the file's extension.
        format ??= Path.GetExtension(file).ToLowerInvariant() switch { ".csv" => "csv", ".ndjson" or ".jsonl" => "ndjson", _ => null };
        StockFileFormat? fileFormat = format switch { "csv" => StockFileFormat.Csv, "ndjson" => StockFileFormat.Ndjson, _ => null };
        if (fileFormat is null) return (null, [], format is null ? "--format is required for a file not named .csv, .ndjson or .jsonl: ndjson or csv." : $"--format is ndjson or csv, not '{format}'.");
        return (new Arguments(file, importMode.Value, fileFormat.Value), [.. rest], null);
    }

    public static async Task<int> RunAsync(IServiceProvider services, Arguments arguments, CancellationToken cancellationToken)
    {
        await DatabaseSetup.MigrateAsync(services, cancellationToken);
        var queue = services.GetRequiredService<ImportQueue>();
        var clock = services.GetRequiredService<IClock>();
        var node = services.GetRequiredService<ImportNode>();
        var import = StockImport.Queue(services.GetRequiredService<IIdGenerator>().NewId(), arguments.Mode, $"cli:{Environment.UserName}", node.Id, clock.UtcNow);
        // The run deletes its spooled file when it ends, as for an upload: it gets a copy, never the operator's file.
        var spooled = queue.FileFor(import.Id, arguments.Format);
        File.Copy(arguments.File, spooled);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
            db.StockImports.Add(import);
            await db.SaveChangesAsync(cancellationToken);
        }
        Console.WriteLine($"Import {import.Id} ({arguments.Mode.ToString().ToLowerInvariant()}) of {arguments.File}");

        using var finished = new CancellationTokenSource();
        var progress = ReportProgressAsync(services, import.Id, finished.Token);
        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<StockImportRun>().RunAsync(new QueuedImport(import.Id, spooled, arguments.Format), cancellationToken);
        await finished.CancelAsync();
        await progress;

        var done = await ReadAsync(services, import.Id, CancellationToken.None);
        Console.WriteLine(Line(done));
        foreach (var error in done.Errors) Console.WriteLine($"  line {error.Line}{(error.RecordId is null ? "" : $" ({error.RecordId})")}: {error.Message}");
        if (done.ErrorCount > done.Errors.Count) Console.WriteLine($"  … and {done.ErrorCount - done.Errors.Count} more bad lines");
        if (done.Status == ImportStatus.Failed) Console.Error.WriteLine($"Failed: {done.FailureReason}");
        return done.Status == ImportStatus.Completed ? 0 : 1;
    }

    private static async Task ReportProgressAsync(IServiceProvider services, string id, CancellationToken finished)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), finished);
                Console.WriteLine(Line(await ReadAsync(services, id, finished)));
                // This process is the import's node: it says it is alive, or a server would take it for abandoned.
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
                await scope.ServiceProvider.GetRequiredService<RequestCommit>().InTransactionAsync(async () =>
                {
                    await services.GetRequiredService<ImportNode>().BeatAsync(db, finished);
                    return true;
                }, finished);
            }
        }
        catch (OperationCanceledException) when (finished.IsCancellationRequested)
        {
            // The run ended; the caller prints the final figures.
        }
    }

    private static async Task<StockImport> ReadAsync(IServiceProvider services, string id, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WaybillDb>().StockImports.AsNoTracking().SingleAsync(i => i.Id == id, cancellationToken);
    }

    private static string Line(StockImport import) => string.Create(CultureInfo.InvariantCulture,
        $"  {import.Status.ToString().ToLowerInvariant()}: {import.RecordsApplied:N0} applied, {import.RecordsAlreadyApplied:N0} already applied, {import.ErrorCount:N0} bad lines");
}
