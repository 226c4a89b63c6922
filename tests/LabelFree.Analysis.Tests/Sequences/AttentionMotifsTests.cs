using LabelFree.Analysis.Sequences;
using LabelFree.Analysis.Statistics;
using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Tests.Sequences;

public class AttentionMotifsTests
{
    [Fact]
    public void High_attention_regions_are_runs_above_the_mean_and_ten_times_the_minimum()
    {
        // Mean 0.3; minimum 0.01, so the bar is max(0.3, 0.1). Runs above it: [2, 7) (5 long) and [9, 11) (too short).
        float[] scores = [0.01f, 0.2f, 0.5f, 0.6f, 0.5f, 0.4f, 0.31f, 0.1f, 0.1f, 0.5f, 0.4f, 0.02f, 0.27f, 0.29f];
        Assert.Equal(0.3, scores.Average(), 5);
        Assert.Equal([(2, 7)], AttentionMotifs.HighAttentionRegions(scores, minLength: 5));
        Assert.Equal([(2, 7), (9, 11)], AttentionMotifs.HighAttentionRegions(scores, minLength: 2));
        // A zero minimum puts the bar at the mean alone.
        Assert.Equal([(1, 3)], AttentionMotifs.HighAttentionRegions([0f, 1f, 1f, 0f], minLength: 2));
    }

    [Fact]
    public void The_best_overlap_counts_matching_bases_without_gaps()
    {
        Assert.Equal((2, 5), AttentionMotifs.BestOverlap("GGTATAATCC", "TATAA"));   // the key sits at query position 2
        Assert.Equal((-2, 5), AttentionMotifs.BestOverlap("TAATC", "GTTAATC"));       // the key starts 2 bases before the query
        Assert.Equal((0, 0), AttentionMotifs.BestOverlap("AAAA", "CCCC"));
    }

    [Fact]
    public void A_planted_word_under_high_attention_is_found_enriched_and_counted()
    {
        var rng = new Rng(3);
        string Random(int length) => new(Enumerable.Range(0, length).Select(_ => "ACGT"[rng.NextInt(4)]).ToArray());
        const string word = "TATAAT";
        var positives = new List<string>();
        var attention = new List<float[]>();
        for (var i = 0; i < 12; i++)
        {
            var at = 20 + i % 5;
            positives.Add(Random(at) + word + Random(60 - at - word.Length));
            var scores = Enumerable.Repeat(0.05f, 60).ToArray();
            for (var j = at; j < at + word.Length; j++) scores[j] = 0.9f;
            attention.Add(scores);
        }
        var negatives = Enumerable.Range(0, 12).Select(_ => Random(60).Replace(word, "GGGGGG")).ToList();

        var motifs = AttentionMotifs.Find(positives, attention, negatives, new MotifSearchOptions(MinLength: 5, WindowSize: 10, QValueCutoff: 0.01, MinInstances: 3));

        var motif = Assert.Single(motifs);
        Assert.Equal(word, motif.Key);
        Assert.Equal((12, 0), (motif.PositivesWithKey, motif.NegativesWithKey));
        // 12 of 24 sequences hold the word, all 12 of them positives: P(X >= 12) = 1 / C(24, 12); a single word, so q = p.
        Assert.Equal(Hypergeometric.UpperTail(12, 24, 12, 12), motif.PValue, 15);
        Assert.Equal(motif.PValue, motif.QValue, 15);
        // Windows of 10 bases centred on each instance: 2 bases either side of the 6-base word.
        Assert.Equal(12, motif.Windows.Count);
        Assert.All(motif.Windows, w => Assert.Equal(word, w[2..8]));
        Assert.All(Enumerable.Range(0, 12), i => Assert.Equal(20 + i % 5 - 2, motif.Instances[i].Start));
        // The matrix counts the windows' bases: column 2 (T of TATAAT) is all T, column 3 all A.
        Assert.Equal(12, motif.Counts[2, 3]);
        Assert.Equal(12, motif.Counts[3, 0]);
        Assert.Equal(AttentionMotifs.PositionFrequencies(motif.Windows, 10), motif.Counts);
        Assert.StartsWith(string.Join(" ", Enumerable.Range(0, 10).Select(p => motif.Counts[p, 0])) + "\n", motif.ToJasparPfm());
    }

    [Fact]
    public void Similar_words_merge_into_the_shorter_key_and_move_into_its_frame()
    {
        var rng = new Rng(4);
        string Random(int length) => new(Enumerable.Range(0, length).Select(_ => "CG"[rng.NextInt(2)]).ToArray());
        // Half the positives show TATAAT under attention, the other half the longer TATAATA; the background neither.
        var positives = new List<string>();
        var attention = new List<float[]>();
        for (var i = 0; i < 16; i++)
        {
            var word = i % 2 == 0 ? "TATAAT" : "TATAATA";
            positives.Add(Random(20) + word + Random(40 - 20 - word.Length));
            attention.Add(Enumerable.Range(0, 40).Select(j => j >= 20 && j < 20 + word.Length ? 1f : 0.05f).ToArray());
        }
        var negatives = Enumerable.Range(0, 16).Select(_ => Random(40)).ToList();
        var motif = Assert.Single(AttentionMotifs.Find(positives, attention, negatives, new MotifSearchOptions(WindowSize: 12, QValueCutoff: 0.05)));
        Assert.Equal("TATAAT", motif.Key);
        Assert.Equal(16, motif.Windows.Count);
        // Every window is centred on the key's frame [20, 26): 3 bases either side.
        Assert.All(motif.Instances, m => Assert.Equal((17, 29), (m.Start, m.End)));
    }
}
