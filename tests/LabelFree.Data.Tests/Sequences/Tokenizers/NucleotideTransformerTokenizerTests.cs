using LabelFree.Core.Errors;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Sequences.Tokenizers;

public class NucleotideTransformerTokenizerTests
{
    [Fact]
    public void Vocabulary_is_the_reference_v2_vocabulary()
    {
        var tokenizer = new NucleotideTransformerTokenizer();
        Assert.Equal(4107, tokenizer.VocabularySize);
        Assert.Equal(["<unk>", "<pad>", "<mask>", "<cls>", "<eos>", "<bos>", "AAAAAA", "AAAAAT"], Enumerable.Range(0, 8).Select(tokenizer.TokenOf));
        Assert.Equal(["GGGGGG", "A", "T", "C", "G", "N"], Enumerable.Range(4101, 6).Select(tokenizer.TokenOf));
        Assert.Equal((1, 0, 3, 2, 4), (tokenizer.Specials.Pad, tokenizer.Specials.Unknown, tokenizer.Specials.Cls, tokenizer.Specials.Mask, tokenizer.Specials.End));
        Assert.Equal(4106, tokenizer.IdOf("N"));
        Assert.Equal((1 << 6) + 11, new NucleotideTransformerTokenizer(3).VocabularySize);
    }

    [Fact]
    public void Sequence_with_n_and_leftover_bases_gives_hand_computed_ids()
    {
        var tokenizer = new NucleotideTransformerTokenizer();
        // AAAAAA TTTTTT G | N | CCCCCC G A.  AAAAAA = 6 + 0; TTTTTT = 6 + 1365 (111111 in base 4); CCCCCC = 6 + 2730;
        // single A, T, C, G, N = 4102 .. 4106.
        var tokens = tokenizer.Tokenize("AAAAAATTTTTTGNCCCCCCGA");
        Assert.Equal([3, 6, 1371, 4105, 4106, 2736, 4105, 4102], tokens.Ids);
        Assert.Equal([-1, 0, 6, 12, 13, 14, 20, 21], tokens.Starts);
        Assert.Equal([0, 6, 6, 1, 1, 6, 1, 1], tokens.Lengths);
        Assert.Equal(tokens.Ids, tokenizer.Tokenize("aaaaaattttttgnccccccga").Ids);
        Assert.Equal([3, 4102, 4103, 4104, 4105, 0], tokenizer.Tokenize("ATCGR").Ids);  // R: <unk> (the reference has no token for it)
    }

    [Fact]
    public void The_reference_docstring_example_with_k_5()
    {
        // "ATCGAATNGGCGATGCAC -> ATCGA A T N GGCGA TGCAC" (nucleotide_transformer/tokenizers.py)
        var tokenizer = new NucleotideTransformerTokenizer(5);
        var tokens = tokenizer.Tokenize("ATCGAATNGGCGATGCAC").Ids.Skip(1).Select(tokenizer.TokenOf);
        Assert.Equal(["ATCGA", "A", "T", "N", "GGCGA", "TGCAC"], tokens);
    }

    [Fact]
    public void Decoding_gives_back_the_bases_and_truncation_keeps_cls()
    {
        var tokenizer = new NucleotideTransformerTokenizer();
        const string bases = "ACGTTGCANNACGTACGTTTGCA";
        Assert.Equal(bases, tokenizer.Decode(tokenizer.Tokenize(bases).Ids.Select(i => (long)i).ToArray()));
        var batch = tokenizer.Encode([bases], maxLength: 3);
        Assert.Equal([3L, tokenizer.IdOf("ACGTTG"), tokenizer.IdOf("C")], batch.Row(0).ToArray());
        var padded = tokenizer.Encode(["ACGTTG", "A"], maxLength: 8, padToMaxLength: true);
        Assert.Equal([3L, 4102, 1, 1, 1, 1, 1, 1], padded.Row(1).ToArray());
    }

    [Fact]
    public void Specs_round_trip_through_json_and_rebuild_the_same_tokenizer()
    {
        using var folder = new TempFolder();
        foreach (var spec in new[] { TokenizerSpec.Dnabert(4), TokenizerSpec.NucleotideTransformer(), TokenizerSpec.NucleotideTransformer(6) with { AppendEnd = true } })
        {
            spec.Save(folder["tokenizer.json"]);
            var loaded = TokenizerSpec.Load(folder["tokenizer.json"]);
            Assert.Equal(spec, loaded);
            var (a, b) = (spec.Create(), loaded.Create());
            Assert.Equal(a.VocabularySize, b.VocabularySize);
            Assert.Equal(a.Tokenize("ACGTNACGTACC").Ids, b.Tokenize("ACGTNACGTACC").Ids);
        }
        var json = File.ReadAllText(folder["tokenizer.json"]);
        Assert.Contains("\"kind\": \"nucleotide_transformer\"", json);
        Assert.Contains("\"append_end\": true", json);
        Assert.DoesNotContain("appends_end", json);
        Assert.Equal(NucleotideTransformerTokenizer.Eos, (TokenizerSpec.NucleotideTransformer() with { AppendEnd = true }).Create().Tokenize("A").Ids[^1]);

        File.WriteAllText(folder["bad.json"], "{\"kind\": \"dnabert_kmer\", \"k\": 9}");
        var error = Assert.Throws<UserInputException>(() => TokenizerSpec.Load(folder["bad.json"]));
        Assert.Contains("bad.json: tokenizer k: expected 3 to 6", error.Message);
    }
}
