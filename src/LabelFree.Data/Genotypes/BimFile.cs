using System.Globalization;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Genotypes;

/// <summary>
/// One line of a PLINK .bim file. <see cref="Allele1"/> (column 5) is the allele whose dosage the .bed counts and the
/// one plink2 calls ALT and reports as A1; <see cref="Allele2"/> (column 6) is plink2's REF.
/// </summary>
public sealed record BimVariant(string Chrom, string Id, double Cm, int Position, string Allele1, string Allele2);

/// <summary>Streams PLINK .bim files, so that 10^7 variants never have to sit in memory at once.</summary>
public static class BimFile
{
    /// <summary>The variants of <paramref name="path"/> in file order, read lazily.</summary>
    public static IEnumerable<BimVariant> Read(string path)
    {
        UserInputException.RequireFile(path, ".bim file");
        return ReadLines(path);
    }

    /// <summary>
    /// The number of variants (non-empty lines), each line parsed and dropped, so that a malformed line is reported
    /// when the fileset is opened, before any scan, without holding the variants.
    /// </summary>
    public static long Count(string path)
    {
        UserInputException.RequireFile(path, ".bim file");
        long count = 0;
        foreach (var _ in ReadLines(path)) count++;
        return count;
    }

    private static IEnumerable<BimVariant> ReadLines(string path)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            yield return Parse(path, lineNumber, line);
        }
    }

    private static BimVariant Parse(string path, int lineNumber, string line)
    {
        var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 6)
            throw new UserInputException($"{path}: line {lineNumber} has {f.Length} columns, a .bim line needs 6 (chrom id cM position A1 A2)");
        if (!int.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var position))
            throw new UserInputException($"{path}: line {lineNumber}: position '{f[3]}' is not an integer");
        if (!double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var cm))
            throw new UserInputException($"{path}: line {lineNumber}: genetic distance '{f[2]}' is not a number");
        return new BimVariant(f[0], f[1], cm, position, f[4], f[5]);
    }
}
