using LabelFree.Core.Errors;

namespace LabelFree.Data.Genotypes;

/// <summary>One line of a PLINK .fam file: family and individual ids and parents (sex and phenotype are not used).</summary>
public sealed record FamSample(string Fid, string Iid, string Father = "0", string Mother = "0")
{
    /// <summary>No parent in the file: plink2 computes allele frequencies (and so picks A1) from founders only.</summary>
    public bool IsFounder => Father == "0" && Mother == "0";
}

/// <summary>Reads PLINK .fam files (six whitespace-separated columns, one sample per line, each FID-IID pair once).</summary>
public static class FamFile
{
    public static IReadOnlyList<FamSample> Read(string path)
    {
        UserInputException.RequireFile(path, ".fam file");
        var samples = new List<FamSample>();
        var firstLine = new Dictionary<(string, string), int>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6)
                throw new UserInputException($"{path}: line {lineNumber} has {fields.Length} columns, a .fam line needs 6 (FID IID father mother sex phenotype)");
            if (!firstLine.TryAdd((fields[0], fields[1]), lineNumber))
                throw new UserInputException($"{path}: line {lineNumber} repeats sample {fields[0]} {fields[1]} of line {firstLine[(fields[0], fields[1])]} (sample ids must be unique, as plink2 requires)");
            samples.Add(new FamSample(fields[0], fields[1], fields[2], fields[3]));
        }
        if (samples.Count == 0) throw new UserInputException($"{path}: no samples");
        return samples;
    }
}
