using LabelFree.Core.Errors;

namespace LabelFree.Data.Signals;

/// <summary>Where sliding windows start in a series.</summary>
public static class SignalWindows
{
    /// <summary>
    /// Starts of windows of <paramref name="window"/> samples every <paramref name="stride"/> samples in a series of
    /// <paramref name="length"/> samples; with <paramref name="coverEnd"/>, one more window ends at the last sample when
    /// the stride leaves samples after the last window.
    /// </summary>
    public static int[] Starts(int length, int window, int stride, bool coverEnd = false)
    {
        if (window < 1) throw new SettingException("window", $"expected a positive number of samples, got {window}");
        if (stride < 1) throw new SettingException("stride", $"expected a positive number of samples, got {stride}");
        if (length < window) throw new UserInputException($"the series has {length} samples, fewer than one window of {window}");
        var starts = new List<int>();
        for (var s = 0; s + window <= length; s += stride) starts.Add(s);
        if (coverEnd && starts[^1] + window < length) starts.Add(length - window);
        return starts.ToArray();
    }
}
