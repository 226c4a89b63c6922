using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Data.Sequences.Tokenizers;

public enum TokenizerKind
{
    /// <summary>DNABERT: overlapping k-mers, stride 1 (<see cref="KmerTokenizer"/>).</summary>
    DnabertKmer,

    /// <summary>Nucleotide Transformer: non-overlapping k-mers with single-nucleotide tokens (<see cref="NucleotideTransformerTokenizer"/>).</summary>
    NucleotideTransformer,
}

/// <summary>
/// Everything that defines a tokenizer, as a small JSON record (<c>{"kind": "dnabert_kmer", "k": 6}</c>) saved beside a
/// model so that loading the model rebuilds the same vocabulary. <see cref="AppendEnd"/> unset means the reference's
/// choice: DNABERT appends [SEP], the Nucleotide Transformer appends nothing.
/// </summary>
public sealed record TokenizerSpec
{
    public TokenizerKind Kind { get; init; } = TokenizerKind.DnabertKmer;

    public int K { get; init; } = 6;

    public bool? AppendEnd { get; init; }

    [JsonIgnore]
    public bool AppendsEnd => AppendEnd ?? Kind == TokenizerKind.DnabertKmer;

    public static TokenizerSpec Dnabert(int k) => new TokenizerSpec { Kind = TokenizerKind.DnabertKmer, K = k }.Validate();

    public static TokenizerSpec NucleotideTransformer(int k = 6) => new TokenizerSpec { Kind = TokenizerKind.NucleotideTransformer, K = k }.Validate();

    public TokenizerSpec Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new UserInputException($"tokenizer kind: unknown kind {(int)Kind}");
        var (low, high) = Kind == TokenizerKind.DnabertKmer ? (3, 6) : (1, 8);
        if (K < low || K > high) throw new UserInputException($"tokenizer k: expected {low} to {high} for {Kind}, got {K}");
        return this;
    }

    public ISequenceTokenizer Create() => Validate().Kind switch
    {
        TokenizerKind.DnabertKmer => new KmerTokenizer(this),
        _ => new NucleotideTransformerTokenizer(this),
    };

    public void Save(string path) => Json.Write(path, this);

    /// <summary>Reads a spec written by <see cref="Save"/>; a missing, malformed or invalid file is a user error.</summary>
    public static TokenizerSpec Load(string path)
    {
        var spec = Json.Read<TokenizerSpec>(path);
        try
        {
            return spec.Validate();
        }
        catch (UserInputException e)
        {
            throw new UserInputException($"{path}: {e.Message}", e);
        }
    }
}
