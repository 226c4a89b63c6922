using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Data.Genotypes;

/// <summary>
/// Reads Oxford .sample files (the BGEN companion): a header line of column names (ID_1, optionally ID_2, then
/// missing, father, mother, sex and phenotypes), a line of column types (0, D, C, P, B), then one line per sample.
/// ID_1 becomes the FID and ID_2 the IID, as plink2 imports them (ID_1 alone: both); father and mother columns, when
/// present, decide founders. Optionally gzipped.
/// </summary>
public static class OxfordSampleFile
{
    public static IReadOnlyList<FamSample> Read(string path)
    {
        using var reader = InputFile.OpenText(path, ".sample file");
        var header = Split(reader.ReadLine() ?? throw new UserInputException($"{path}: empty .sample file"));
        var types = Split(reader.ReadLine() ?? throw new UserInputException($"{path}: only one line; a .sample file has a header, a line of column types, then samples"));
        if (header.Length < 1 || !header[0].Equals("ID_1", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"{path}: first column is '{header.FirstOrDefault()}', a .sample file starts with ID_1");
        if (types.Length < header.Length) throw new UserInputException($"{path}: line 2 has {types.Length} column types for {header.Length} columns");
        var hasId2 = header.Length > 1 && header[1].Equals("ID_2", StringComparison.OrdinalIgnoreCase);
        var father = Array.FindIndex(header, h => h.Equals("father", StringComparison.OrdinalIgnoreCase));
        var mother = Array.FindIndex(header, h => h.Equals("mother", StringComparison.OrdinalIgnoreCase));
        var samples = new List<FamSample>();
        var firstLine = new Dictionary<(string, string), int>();
        var lineNumber = 2;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = Split(line);
            if (f.Length != header.Length) throw new UserInputException($"{path}: line {lineNumber} has {f.Length} columns, the header {header.Length}");
            var fid = f[0];
            var iid = hasId2 ? f[1] : f[0];
            if (!firstLine.TryAdd((fid, iid), lineNumber))
                throw new UserInputException($"{path}: line {lineNumber} repeats sample {fid} {iid} of line {firstLine[(fid, iid)]} (sample ids must be unique)");
            samples.Add(new FamSample(fid, iid, Parent(father, f), Parent(mother, f)));
        }
        if (samples.Count == 0) throw new UserInputException($"{path}: no samples");
        return samples;
    }

    /// <summary>Writes a .sample with ID_1 = FID, ID_2 = IID and a missing column (for simulations and fixtures).</summary>
    public static void Write(string path, IReadOnlyList<FamSample> samples) =>
        AtomicFile.WriteAllText(path, "ID_1 ID_2 missing\n0 0 0\n" + string.Concat(samples.Select(s => $"{s.Fid} {s.Iid} 0\n")));

    private static string Parent(int column, string[] f) => column < 0 || f[column] is "NA" or "" ? "0" : f[column];

    private static string[] Split(string line) => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
