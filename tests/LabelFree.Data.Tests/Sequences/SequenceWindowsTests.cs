using LabelFree.Core.Errors;
using LabelFree.Data.Sequences;

namespace LabelFree.Data.Tests.Sequences;

public class SequenceWindowsTests
{
    private static readonly SequenceRecord[] Records =
    [
        SequenceRecord.FromText("short", "ACGT"),
        SequenceRecord.FromText("long", string.Concat(Enumerable.Repeat("ACGTTGCA", 50))),
        SequenceRecord.FromText("gappy", new string('N', 100) + string.Concat(Enumerable.Repeat("GATC", 25))),
    ];

    [Fact]
    public void Sampled_windows_fit_their_records_and_are_reproducible()
    {
        var windows = SequenceWindows.Sample(Records, length: 20, count: 500, seed: 7);
        Assert.Equal(windows, SequenceWindows.Sample(Records, 20, 500, seed: 7));
        Assert.NotEqual(windows, SequenceWindows.Sample(Records, 20, 500, seed: 7, index: 1));
        Assert.NotEqual(windows, SequenceWindows.Sample(Records, 20, 500, seed: 8));
        Assert.All(windows, w => Assert.True(w.Record != 0 && w.Start >= 0 && w.Start + 20 <= Records[w.Record].Length));
        Assert.Equal(20, windows[0].Bases(Records).Length);
        // Starts are uniform over all positions: the long record has 381 of the 562 possible starts.
        Assert.InRange(windows.Count(w => w.Record == 1) / 500.0, 0.6, 0.75);
    }

    [Fact]
    public void Windows_with_too_many_unknown_bases_are_drawn_again()
    {
        var windows = SequenceWindows.Sample(Records, length: 20, count: 200, seed: 1, maxUnknownFraction: 0.1);
        Assert.All(windows, w => Assert.True(w.Bases(Records).ToArray().Count(b => b == (byte)'N') <= 2));
    }

    [Fact]
    public void Too_long_a_window_is_a_user_error()
    {
        var error = Assert.Throws<UserInputException>(() => SequenceWindows.Sample(Records, length: 1000, count: 1, seed: 1));
        Assert.Contains("no record is at least 1000 bases long (longest: 400)", error.Message);
    }

    [Fact]
    public void Tiles_cover_each_record_without_overlap_and_drop_short_tails()
    {
        var tiles = SequenceWindows.Tile(Records, length: 150);
        Assert.Equal([new SequenceWindow(1, 0, 150), new SequenceWindow(1, 150, 150), new SequenceWindow(2, 0, 150)], tiles);
        Assert.Single(SequenceWindows.Tile(Records, length: 4, stride: 2), t => t.Record == 0);  // "ACGT": one tile
        Assert.Equal(199, SequenceWindows.Tile(Records, length: 4, stride: 2).Count(t => t.Record == 1));
    }

    [Fact]
    public void Record_split_holds_out_whole_records_reproducibly()
    {
        var split = RecordSplit.HoldOut(100, 0.2, seed: 3);
        Assert.Equal(20, split.HeldOut.Length);
        Assert.Equal(Enumerable.Range(0, 100), split.Train.Concat(split.HeldOut).Order());
        Assert.Equal(split.HeldOut, RecordSplit.HoldOut(100, 0.2, seed: 3).HeldOut);
        Assert.NotEqual(split.HeldOut, RecordSplit.HoldOut(100, 0.2, seed: 4).HeldOut);
        Assert.Single(RecordSplit.HoldOut(3, 0.01, seed: 1).HeldOut);
        Assert.Throws<UserInputException>(() => RecordSplit.HoldOut(1, 0.5, seed: 1));
    }
}
