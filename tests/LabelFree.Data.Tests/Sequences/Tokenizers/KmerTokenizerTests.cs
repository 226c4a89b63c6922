using LabelFree.Data.Sequences.Tokenizers;

namespace LabelFree.Data.Tests.Sequences.Tokenizers;

public class KmerTokenizerTests
{
    /// <summary>The reference vocab.txt order, written out independently: specials, then itertools.product("ATCG", repeat=k).</summary>
    private static List<string> ReferenceVocabulary(int k)
    {
        var kmers = new List<string> { "" };
        for (var i = 0; i < k; i++) kmers = kmers.SelectMany(prefix => "ATCG".Select(b => prefix + b)).ToList();
        return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. kmers];
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Vocabulary_is_dnabert_vocab_txt(int k)
    {
        var tokenizer = new KmerTokenizer(k);
        var expected = ReferenceVocabulary(k);
        Assert.Equal((1 << (2 * k)) + 5, tokenizer.VocabularySize);
        Assert.Equal(expected, Enumerable.Range(0, tokenizer.VocabularySize).Select(tokenizer.TokenOf));
        Assert.All(expected.Select((token, id) => (token, id)), p => Assert.Equal(p.id, tokenizer.IdOf(p.token)));
        Assert.Equal(-1, tokenizer.IdOf(new string('N', k)));
    }

    [Fact]
    public void Known_lines_of_the_reference_vocab_files()
    {
        // bert-config-3/vocab.txt line 12 is ATC; bert-config-6/vocab.txt ends with GGGGGG on line 4101.
        Assert.Equal(11, new KmerTokenizer(3).IdOf("ATC"));
        Assert.Equal(4100, new KmerTokenizer(6).IdOf("GGGGGG"));
        Assert.Equal(5, new KmerTokenizer(6).IdOf("AAAAAA"));
    }

    [Fact]
    public void Overlapping_kmers_between_cls_and_sep_with_unknown_for_n()
    {
        var tokenizer = new KmerTokenizer(3);
        // ACG = 0*16 + 2*4 + 3 = 11 -> 16; CGT = 2*16 + 3*4 + 1 = 45 -> 50; GTA = 52 -> 57; TAC = 18 -> 23.
        var tokens = tokenizer.Tokenize("ACGTAC");
        Assert.Equal([2, 16, 50, 57, 23, 3], tokens.Ids);
        Assert.Equal([-1, 0, 1, 2, 3, -1], tokens.Starts);
        Assert.Equal([0, 3, 3, 3, 3, 0], tokens.Lengths);
        Assert.Equal([2, 16, 50, 57, 23, 3], tokenizer.Tokenize("acgtac").Ids);
        Assert.Equal([2, 16, 1, 1, 1, 57, 3], tokenizer.Tokenize("ACGNGTA").Ids);
        Assert.Equal([2, 1, 3], tokenizer.Tokenize("ARG").Ids);
        Assert.Equal([2, 3], tokenizer.Tokenize("AC").Ids);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    public void Decoding_gives_back_the_bases(int k)
    {
        var tokenizer = new KmerTokenizer(k);
        const string bases = "GATTACACCGGTTAGCATGCAAT";
        var ids = tokenizer.Tokenize(bases).Ids.Select(i => (long)i).ToArray();
        Assert.Equal(bases, tokenizer.Decode(ids));
        Assert.Equal(bases, tokenizer.Decode([.. ids, 0, 0]));
    }

    [Fact]
    public void Encoding_pads_truncates_and_keeps_cls_and_sep()
    {
        var tokenizer = new KmerTokenizer(3);
        var batch = tokenizer.Encode(["ACGTAC", "ACGTACGTAC", "AC"], maxLength: 6);
        Assert.Equal((3, 6), (batch.Count, batch.Length));
        Assert.Equal([2L, 16, 50, 57, 23, 3], batch.Row(0).ToArray());
        Assert.Equal([2L, 16, 50, 57, 23, 3], batch.Row(1).ToArray());  // truncated at the end of the body
        Assert.Equal([2L, 3, 0, 0, 0, 0], batch.Row(2).ToArray());
        Assert.Equal([true, true, false, false, false, false], batch.AttentionMask[12..]);
        Assert.Equal([6, 6, 2], batch.TokenCounts);
        Assert.Equal(10, tokenizer.Encode(["ACGT"], maxLength: 10, padToMaxLength: true).Length);
        Assert.Equal(4, tokenizer.Encode(["ACGT", "AC"], maxLength: 10).Length);
    }
}
