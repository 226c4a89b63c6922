using System.IO.Compression;
using LabelFree.Core.Errors;
using LabelFree.Data.Signals;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Signals;

public class SignalReaderTests
{
    [Fact]
    public void Reads_channels_and_infers_the_sampling_rate_from_the_time_column()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["s.csv"], "time_s,a,b\n0,1,10\n0.004,2,20\n0.008,3.5,-1e1\n");

        var signal = SignalReader.Read(folder["s.csv"]);

        Assert.Equal(["a", "b"], signal.Channels);
        Assert.Equal([1f, 2f, 3.5f], signal.Values[0]);
        Assert.Equal([10f, 20f, -10f], signal.Values[1]);
        Assert.Equal(250, signal.SamplingRate!.Value, 6);
        Assert.Equal([0, 0.004, 0.008], signal.Time!);
    }

    [Fact]
    public void Reads_gzipped_TSV_keeps_chosen_channels_and_takes_a_given_rate()
    {
        using var folder = new TempFolder();
        using (var gz = new GZipStream(File.Create(folder["s.tsv.gz"]), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gz))
            writer.Write("c1\tc2\tc3\n1\t2\t3\n4\t5\t6\n");

        var signal = SignalReader.Read(folder["s.tsv.gz"], new SignalReadOptions(Channels: ["c3", "c1"], SamplingRate: 256));

        Assert.Equal(["c3", "c1"], signal.Channels);
        Assert.Equal([3f, 6f], signal.Values[0]);
        Assert.Equal(256, signal.SamplingRate);
        Assert.Null(signal.Time);
    }

    [Theory]
    [InlineData("t,a\n0,1\n1,x\n", "s.csv:3: channel 'a': 'x' is not a finite number")]
    [InlineData("t,a\n0,1\n1,NaN\n", "s.csv:3: channel 'a': 'NaN' is not a finite number")]
    [InlineData("t,a\n0,1\n0,2\n", "s.csv:3: time column 't': 0 does not increase")]
    [InlineData("t,a\n0,1\n", "expected at least 2 samples, got 1")]
    public void A_bad_row_names_the_file_line_and_problem(string text, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["s.csv"], text);
        var error = Assert.Throws<UserInputException>(() => SignalReader.Read(folder["s.csv"]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Writer_output_reads_back()
    {
        using var folder = new TempFolder();
        var signal = new Signal("x", ["a", "b"], [[1.5f, -2f, 3f], [0f, 1e-3f, 7f]], 2, [10, 10.5, 11]);
        SignalWriter.WriteCsv(folder["s.csv"], signal);
        var back = SignalReader.Read(folder["s.csv"]);
        Assert.Equal(signal.Channels, back.Channels);
        Assert.Equal(signal.Values, back.Values);
        Assert.Equal(signal.Time!, back.Time!);
        Assert.Equal(2, back.SamplingRate);
    }

    [Fact]
    public void Labels_read_as_intervals_with_their_kind_or_one_row_per_sample()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["i.tsv"], "start\tend\tkind\n5\t7\tGlobalSpike\n1\t3\t\n");
        File.WriteAllText(folder["p.csv"], "label\n0\n1\n1\n0\n");

        var intervals = SignalLabels.Read(folder["i.tsv"], 8);
        var perSample = SignalLabels.Read(folder["p.csv"], 4);

        Assert.Equal([false, true, true, false, false, true, true, false], intervals.PerSample);
        Assert.Equal([new SignalInterval(1, 3), new SignalInterval(5, 7, "GlobalSpike")], intervals.Intervals);
        Assert.Equal([false, true, true, false], perSample.PerSample);
        Assert.Equal([new SignalInterval(1, 3)], perSample.Intervals);
        Assert.Contains("i.tsv:2: interval [5, 7) is not inside the signal's 2 samples", Assert.Throws<UserInputException>(() => SignalLabels.Read(folder["i.tsv"], 2)).Message);
        Assert.Contains("4 label rows, but the signal has 5 samples", Assert.Throws<UserInputException>(() => SignalLabels.Read(folder["p.csv"], 5)).Message);
    }

    [Fact]
    public void Normalisation_is_fitted_on_the_training_samples_only()
    {
        var training = new Signal("t", ["a"], [[1f, 3f]], null);
        var normalization = SignalNormalization.Fit(training);
        Assert.Equal(2, normalization.Means[0]);
        Assert.Equal(1, normalization.Scales[0]);
        Assert.Equal([3f, -1f], normalization.Apply(new Signal("test", ["a"], [[5f, 1f]], null))[0]);
    }

    [Fact]
    public void Window_starts_step_by_the_stride_and_can_cover_the_end()
    {
        Assert.Equal([0, 3, 6], SignalWindows.Starts(10, 4, 3));
        Assert.Equal([0, 3, 6], SignalWindows.Starts(10, 4, 3, coverEnd: true));
        Assert.Equal([0, 4, 7], SignalWindows.Starts(11, 4, 4, coverEnd: true));
        Assert.Throws<UserInputException>(() => SignalWindows.Starts(3, 4, 1));
    }
}
