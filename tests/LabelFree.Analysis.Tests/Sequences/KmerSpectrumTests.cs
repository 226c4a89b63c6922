using System.Text;
using LabelFree.Analysis.Sequences;

namespace LabelFree.Analysis.Tests.Sequences;

public class KmerSpectrumTests
{
    [Fact]
    public void Frequencies_of_each_word_length_match_a_hand_count()
    {
        // AACGNAC: 1-mers A A C G A C (N skipped) -> A 3/6, C 2/6, G 1/6; 2-mers AA AC CG AC (pairs with N skipped) -> AA 1/4, AC 2/4, CG 1/4.
        var features = KmerSpectrum.Of([Encoding.ASCII.GetBytes("AACGNAC")], maxK: 2);
        Assert.Equal(4 + 16, KmerSpectrum.Features(2));
        Assert.Equal([3 / 6f, 2 / 6f, 1 / 6f, 0f], Enumerable.Range(0, 4).Select(j => features[0, j]));
        var pairs = Enumerable.Range(0, 16).Select(j => features[0, 4 + j]).ToArray();
        Assert.Equal(0.25f, pairs[0 * 4 + 0]);  // AA
        Assert.Equal(0.5f, pairs[0 * 4 + 1]);   // AC
        Assert.Equal(0.25f, pairs[1 * 4 + 2]);  // CG
        Assert.Equal(1f, pairs.Sum(), 5);
    }
}
