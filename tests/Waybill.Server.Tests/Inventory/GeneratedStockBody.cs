using System.Text.Unicode;
using Waybill.Server.Inventory.Imports;

namespace Waybill.Server.Tests.Inventory;

/// <summary>
/// A request body of generated stock lines (NDJSON, or CSV after a header row), written as it is read: the test holds one line, never the file, so
/// what memory grows is the reader's. Lines are formatted straight into the caller's buffer and allocate nothing.
/// Locations change every 100,000 lines, as in a file grouped by location; every tenth line has a future.
/// </summary>
internal sealed class GeneratedStockBody(int records, StockFileFormat format) : Stream
{
    private readonly byte[] _line = new byte[256];
    private int _next;
    private int _lineLength;
    private int _lineOffset;
    private bool _headerWritten;

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_lineOffset == _lineLength)
            {
                if (_next == records)
                    break;
                _lineLength = format == StockFileFormat.Csv ? FormatCsv() : FormatNdjson(_next++);
                _lineOffset = 0;
            }
            var chunk = Math.Min(_lineLength - _lineOffset, buffer.Length - written);
            _line.AsSpan(_lineOffset, chunk).CopyTo(buffer[written..]);
            _lineOffset += chunk;
            written += chunk;
        }
        return written;
    }

    private int FormatCsv()
    {
        if (!_headerWritten)
        {
            _headerWritten = true;
            Utf8.TryWrite(_line, $"recordId,location,sku,onHand,safetyStock,futureQuantity,futureExpectedAt\n", out var header);
            return header;
        }
        var i = _next++;
        var future = i % 10 == 0 ? "5,2026-12-01T08:00:00Z" : ",";
        Utf8.TryWrite(_line, $"r{i},WH{i / 100_000},SKU-{i},{i % 1000},2,{future}\n", out var length);
        return length;
    }

    private int FormatNdjson(int i)
    {
        var future = i % 10 == 0 ? ",\"futures\":[{\"quantity\":5,\"expectedAt\":\"2026-12-01T08:00:00Z\"}]" : "";
        Utf8.TryWrite(_line, $"{{\"recordId\":\"r{i}\",\"location\":\"WH{i / 100_000}\",\"sku\":\"SKU-{i}\",\"onHand\":{i % 1000},\"safetyStock\":2{future}}}\n", out var length);
        return length;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
