using System.Globalization;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Data.Signals;

/// <summary>Writes a signal as CSV that <see cref="SignalReader"/> reads back: a <c>time_s</c> column when the signal has times, then one column per channel.</summary>
public static class SignalWriter
{
    public static void WriteCsv(string path, Signal signal)
    {
        var text = new StringBuilder();
        var header = signal.Time is null ? signal.Channels : ["time_s", .. signal.Channels];
        text.AppendJoin(',', header).Append('\n');
        for (var i = 0; i < signal.Length; i++)
        {
            if (signal.Time is { } time) text.Append(time[i].ToString("0.######", CultureInfo.InvariantCulture)).Append(',');
            for (var c = 0; c < signal.Values.Length; c++)
            {
                if (c > 0) text.Append(',');
                text.Append(signal.Values[c][i].ToString("G7", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
