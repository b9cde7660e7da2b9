using System.Buffers;
using System.Runtime.CompilerServices;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// Cuts an NDJSON body into lines as it arrives and hands each to <see cref="NdjsonStockLine"/>. It holds one pooled
/// buffer, 64 KiB unless a single line needs more (up to <see cref="StockLineRules.MaxLineBytes"/>), whatever the body's size.
/// </summary>
internal static class NdjsonStockFile
{
    private const int FirstBufferBytes = 64 * 1024;

    public static async IAsyncEnumerable<ImportItem> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        var locations = new RepeatedText();
        // buffer[start..end] holds bytes not yet cut into lines; buffer[start..searched] is known to have no newline.
        int start = 0, end = 0, searched = 0, line = 0;
        var endOfBody = false;
        // The current line outgrew MaxLineBytes: what was read of it is dropped, and it is reported once it ends.
        var tooLong = false;
        try
        {
            while (true)
            {
                var newline = buffer.AsSpan(searched, end - searched).IndexOf((byte)'\n');
                // The last line need not end with a newline.
                if (newline >= 0 || (endOfBody && (start < end || tooLong)))
                {
                    var lineEnd = newline >= 0 ? searched + newline : end;
                    line++;
                    var item = tooLong
                        ? new ImportItem(null, new ImportLineError(line, null, $"the line is longer than {StockLineRules.MaxLineBytes} bytes"))
                        : NdjsonStockLine.Read(buffer.AsSpan(start, lineEnd - start), line, locations);
                    start = searched = newline >= 0 ? lineEnd + 1 : end;
                    tooLong = false;
                    if (item is { } read)
                        yield return read;
                    continue;
                }
                if (endOfBody)
                    yield break;

                searched = end;
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    searched -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= StockLineRules.MaxLineBytes)
                    {
                        tooLong = true;
                        end = searched = 0;
                    }
                    else
                    {
                        buffer = Grow(buffer, end);
                    }
                }

                // A body that is all in memory never waits, so the token is checked here as well as by the stream.
                ct.ThrowIfCancellationRequested();
                var received = await body.ReadAsync(buffer.AsMemory(end), ct);
                if (received == 0)
                    endOfBody = true;
                end += received;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int used)
    {
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
