namespace LabelFree.Data.Sequences.Tokenizers;

/// <summary>
/// k-mers as numbers in the order both reference vocabularies use: base 4 with digits A=0, T=1, C=2, G=3 and the last
/// base varying fastest (AAA, AAT, AAC, AAG, ATA, ...), as Python's itertools.product("ATCG", repeat=k) lists them.
/// </summary>
public static class KmerAlphabet
{
    public const string Bases = "ATCG";

    private static readonly sbyte[] Digits = BuildDigits();

    /// <summary>0..3 for A, T, C, G (either case), -1 for anything else.</summary>
    public static int Digit(byte code) => Digits[code];

    public static int Count(int k) => 1 << (2 * k);

    public static string Text(int index, int k)
    {
        var chars = new char[k];
        for (var i = k - 1; i >= 0; i--)
        {
            chars[i] = Bases[index & 3];
            index >>= 2;
        }
        return new string(chars);
    }

    /// <summary>The index of <paramref name="kmer"/>, or -1 when it is not k bases of A, T, C, G.</summary>
    public static int Index(ReadOnlySpan<char> kmer, int k)
    {
        if (kmer.Length != k) return -1;
        var index = 0;
        foreach (var c in kmer)
        {
            var digit = c < 128 ? Digit((byte)c) : -1;
            if (digit < 0) return -1;
            index = (index << 2) | digit;
        }
        return index;
    }

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[256];
        Array.Fill(digits, (sbyte)-1);
        for (var d = 0; d < 4; d++)
        {
            digits[Bases[d]] = (sbyte)d;
            digits[char.ToLowerInvariant(Bases[d])] = (sbyte)d;
        }
        return digits;
    }
}
