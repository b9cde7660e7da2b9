using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Waybill.Server.Inventory.Imports;

/// <summary>An import received and waiting for the <see cref="ImportWorker"/>: its body, spooled to this node's disk.</summary>
public sealed record QueuedImport(string Id, string File, StockFileFormat Format);

/// <summary>
/// Hands received imports to the <see cref="ImportWorker"/> in arrival order. In-process on purpose: the body is a file on
/// the disk of the node that received it, so that node runs it (docs/decisions/0008-stock-import-jobs.md).
/// </summary>
public sealed class ImportQueue
{
    private readonly Channel<QueuedImport> _channel = Channel.CreateUnbounded<QueuedImport>(new UnboundedChannelOptions { SingleReader = true });

    public ImportQueue(IOptions<InventoryOptions> options)
    {
        Folder = options.Value.ImportFolder is { Length: > 0 } folder ? Path.GetFullPath(folder) : Path.Combine(Path.GetTempPath(), "waybill-imports");
        Directory.CreateDirectory(Folder);
    }

    /// <summary>Where received bodies wait until their import has run.</summary>
    public string Folder { get; }

    public ChannelReader<QueuedImport> Reader => _channel.Reader;

    /// <summary>The file an import's body is spooled to; its name is the import's id, so a restart can find and delete it.</summary>
    public string FileFor(string id, StockFileFormat format) =>
        Path.Combine(Folder, id + (format == StockFileFormat.Csv ? ".csv" : ".ndjson"));

    public void Enqueue(QueuedImport import)
    {
        // Unbounded: a write only fails once the channel is completed, and nothing completes it.
        if (!_channel.Writer.TryWrite(import)) throw new InvalidOperationException("The import queue is closed.");
    }

    /// <summary>Removes an import's spooled body, whatever its format; a file already gone is fine.</summary>
    public void DeleteFile(string id)
    {
        foreach (var format in new[] { StockFileFormat.Ndjson, StockFileFormat.Csv })
            File.Delete(FileFor(id, format));
    }
}
