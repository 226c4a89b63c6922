namespace LabelFree.Data.Sequences;

/// <summary>
/// The IUPAC nucleotide alphabet as LabelFree stores it: one upper-case ASCII byte per base. A, C, G and T are the
/// known bases; N and the other ambiguity codes (R Y S W K M B D H V) are kept as they are and count as unknown for
/// tokenizers and the Markov baseline. U (RNA) is read as T.
/// </summary>
public static class NucleotideCodes
{
    private const string Codes = "ACGTNRYSWKMBDHV";

    private static readonly byte[] Normalized = BuildNormalized();
    private static readonly byte[] Complements = BuildComplements();

    /// <summary>The stored (upper-case) code of <paramref name="ascii"/>, or 0 when it is no nucleotide code.</summary>
    public static byte Normalize(byte ascii) => Normalized[ascii];

    /// <summary>Whether <paramref name="code"/> is one of A, C, G, T (either case).</summary>
    public static bool IsAcgt(byte code) => (code | 0x20) is (byte)'a' or (byte)'c' or (byte)'g' or (byte)'t';

    /// <summary>The IUPAC complement (A-T, C-G, R-Y, K-M, B-V, D-H; S, W and N are their own); the case is kept.</summary>
    public static byte Complement(byte code) => Complements[code];

    /// <summary>Upper-case stored bases of <paramref name="text"/>; <paramref name="where"/> prefixes the error for a character that is no nucleotide code.</summary>
    public static byte[] FromText(ReadOnlySpan<char> text, string where)
    {
        var bases = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var code = text[i] < 128 ? Normalized[text[i]] : (byte)0;
            if (code == 0) throw new Core.Errors.UserInputException($"{where}: '{text[i]}' at position {i + 1} is not a nucleotide code (IUPAC A C G T U N R Y S W K M B D H V)");
            bases[i] = code;
        }
        return bases;
    }

    private static byte[] BuildNormalized()
    {
        var table = new byte[256];
        foreach (var c in Codes)
        {
            table[c] = (byte)c;
            table[char.ToLowerInvariant(c)] = (byte)c;
        }
        table['U'] = table['u'] = (byte)'T';
        return table;
    }

    private static byte[] BuildComplements()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++) table[i] = (byte)i;
        foreach (var (a, b) in new[] { ('A', 'T'), ('C', 'G'), ('R', 'Y'), ('K', 'M'), ('B', 'V'), ('D', 'H'), ('S', 'S'), ('W', 'W'), ('N', 'N') })
        {
            table[a] = (byte)b;
            table[b] = (byte)a;
            table[char.ToLowerInvariant(a)] = (byte)char.ToLowerInvariant(b);
            table[char.ToLowerInvariant(b)] = (byte)char.ToLowerInvariant(a);
        }
        table['U'] = (byte)'A';
        table['u'] = (byte)'a';
        return table;
    }
}
