using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Waybill.Server.Inventory.Imports;

/// <summary>A slice of the file as read: its records and bad lines, in file order.</summary>
internal sealed class ImportBatch(int capacity)
{
    public List<StockRecord> Records { get; } = new(capacity);
    public List<ImportLineError> Errors { get; } = [];
    public int Lines => Records.Count + Errors.Count;

    public void Add(ImportItem item)
    {
        if (item.IsRecord) Records.Add(item.Record);
        else Errors.Add(item.Error);
    }
}

/// <summary>
/// Reads an import's file into batches on its own task, a couple of batches ahead of the writer: parsing and the
/// database's work overlap instead of taking turns. A file that cannot be read ends the batches early with the reason.
/// </summary>
internal sealed class BatchReader(QueuedImport job, int batchSize)
{
    private readonly Channel<ImportBatch> _batches = Channel.CreateBounded<ImportBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });

    public ChannelReader<ImportBatch> Batches => _batches.Reader;

    /// <summary>Set when the file as a whole could not be read; the batches before it were handed out.</summary>
    public StockFileUnreadableException? Unreadable { get; private set; }

    /// <summary>Anything else that stopped the reading (the file gone, a disk error).</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(job.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var batch = new ImportBatch(batchSize);
            await foreach (var item in StockFileReader.ReadAsync(file, job.Format, cancellationToken))
            {
                batch.Add(item);
                if (batch.Lines < batchSize) continue;
                await _batches.Writer.WriteAsync(batch, cancellationToken);
                batch = new ImportBatch(batchSize);
            }
            if (batch.Lines > 0) await _batches.Writer.WriteAsync(batch, cancellationToken);
        }
        catch (StockFileUnreadableException ex)
        {
            Unreadable = ex;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The writer stopped first (shutdown, or its own failure); it reports why.
        }
        catch (Exception ex)
        {
            Failure = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            _batches.Writer.TryComplete();
        }
    }
}
