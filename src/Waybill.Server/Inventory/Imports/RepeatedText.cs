using System.Text;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// One string for a value that repeats line after line, instead of a new one per line: a stock file lists many SKUs of a
/// few locations, usually grouped, so remembering the last value catches nearly every repeat at the cost of one comparison.
/// </summary>
internal sealed class RepeatedText
{
    private byte[] _lastUtf8 = [];
    private string _last = "";

    public string Of(ReadOnlySpan<byte> utf8)
    {
        if (!utf8.SequenceEqual(_lastUtf8))
        {
            _last = Encoding.UTF8.GetString(utf8);
            _lastUtf8 = utf8.ToArray();
        }
        return _last;
    }
}
