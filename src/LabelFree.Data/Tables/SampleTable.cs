using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Data.Genotypes;
using LabelFree.Core.IO;

namespace LabelFree.Data.Tables;

/// <summary>
/// Numeric per-sample columns (phenotypes or covariates) aligned to the samples of a .fam: <c>Values[c][i]</c> is
/// column c for .fam sample i, NaN where missing or absent from the file.
/// </summary>
public sealed record SampleTable(string Path, IReadOnlyList<string> Names, double[][] Values, int UnmatchedRows);

/// <summary>
/// Reads PLINK 2 style sample tables (--pheno, --covar): a header <c>#FID IID ...</c>, <c>#IID ...</c> or plain
/// <c>FID IID ...</c> (an optional SID column after IID is skipped), tab- or space-separated, optionally gzipped.
/// NA, nan, -9 and empty fields (between tabs) are missing. Rows are matched to the .fam by IID, and by FID too when the file has it.
/// </summary>
public static class SampleTableReader
{
    /// <param name="select">Columns to keep, in this order (null or empty: all); only these are parsed.</param>
    public static SampleTable Read(string path, IReadOnlyList<FamSample> samples, IReadOnlyList<string>? select = null)
    {
        using var reader = InputFile.OpenText(path, "phenotype/covariate table");
        var header = reader.ReadLine() ?? throw new UserInputException($"{path}: empty file");
        var headerFields = Split(header);
        var (hasFid, idColumns, allNames) = ParseHeader(path, headerFields);
        var names = select is { Count: > 0 } ? ExpandRanges(select, allNames) : allNames;
        var source = names.Select(name => allNames.ToList().IndexOf(name) is var k && k >= 0 ? k
            : throw new UserInputException($"{path}: no column '{name}' (columns: {string.Join(", ", allNames.Take(10))}{(allNames.Count > 10 ? ", ..." : "")})")).ToArray();
        var byId = Index(samples, hasFid);
        var values = new double[names.Count][];
        for (var c = 0; c < names.Count; c++)
        {
            values[c] = new double[samples.Count];
            Array.Fill(values[c], double.NaN);
        }
        var seen = new bool[samples.Count];
        var unmatched = 0;
        var lineNumber = 1;
        // A file without a header: its first line is data.
        var pending = headerFields[0].StartsWith('#') || IsPlainHeader(headerFields) ? null : header;
        while ((pending ?? reader.ReadLine()) is { } line)
        {
            if (pending is null) lineNumber++;
            pending = null;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = Split(line);
            if (f.Length != idColumns + allNames.Count)
                throw new UserInputException($"{path}: line {lineNumber} has {f.Length} fields, the header has {idColumns + allNames.Count}");
            var key = hasFid ? f[0] + "\t" + f[1] : f[0];
            if (!byId.TryGetValue(key, out var sample))
            {
                unmatched++;
                continue;
            }
            if (seen[sample]) throw new UserInputException($"{path}: line {lineNumber}: sample {key.Replace('\t', ' ')} appears twice");
            seen[sample] = true;
            for (var c = 0; c < names.Count; c++)
                values[c][sample] = ParseValue(path, lineNumber, names[c], f[idColumns + source[c]]);
        }
        return new SampleTable(path, names.ToArray(), values, unmatched);
    }

    /// <summary>plink2's column ranges: "A-B" (not itself a column) means the columns from A to B in file order.</summary>
    private static IReadOnlyList<string> ExpandRanges(IReadOnlyList<string> select, IReadOnlyList<string> columns)
    {
        var expanded = new List<string>();
        foreach (var name in select)
        {
            var range = columns.Contains(name) ? null : FindRange(name, columns);
            if (range is { } r) expanded.AddRange(columns.Skip(r.From).Take(r.To - r.From + 1));
            else expanded.Add(name);
        }
        return expanded;
    }

    private static (int From, int To)? FindRange(string name, IReadOnlyList<string> columns)
    {
        for (var dash = name.IndexOf('-'); dash > 0; dash = name.IndexOf('-', dash + 1))
        {
            var from = columns.ToList().IndexOf(name[..dash]);
            var to = columns.ToList().IndexOf(name[(dash + 1)..]);
            if (from >= 0 && to >= from) return (from, to);
        }
        return null;
    }

    private static (bool HasFid, int IdColumns, IReadOnlyList<string> Names) ParseHeader(string path, string[] f)
    {
        if (f[0].Equals("#FID", StringComparison.OrdinalIgnoreCase) || IsPlainHeader(f))
        {
            if (f.Length < 2 || !f[1].Equals("IID", StringComparison.OrdinalIgnoreCase))
                throw new UserInputException($"{path}: header starts with FID but its second column is not IID");
            var skip = f.Length > 2 && f[2].Equals("SID", StringComparison.OrdinalIgnoreCase) ? 3 : 2;
            return (true, skip, Names(path, f, skip));
        }
        if (f[0].Equals("#IID", StringComparison.OrdinalIgnoreCase))
        {
            var skip = f.Length > 1 && f[1].Equals("SID", StringComparison.OrdinalIgnoreCase) ? 2 : 1;
            return (false, skip, Names(path, f, skip));
        }
        if (f[0].StartsWith('#'))
            throw new UserInputException($"{path}: header must start with #FID, #IID or FID IID (found '{f[0]}')");
        // No header: FID IID then unnamed columns, as plink2 accepts.
        return (true, 2, Enumerable.Range(1, Math.Max(0, f.Length - 2)).Select(i => $"PHENO{i}").ToArray());
    }

    private static string[] Names(string path, string[] f, int skip)
    {
        var names = f[skip..];
        if (names.Length == 0) throw new UserInputException($"{path}: no value columns after the sample ids");
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"{path}: column '{duplicate.Key}' appears twice in the header");
        return names;
    }

    private static bool IsPlainHeader(string[] f) =>
        f.Length >= 2 && f[0].Equals("FID", StringComparison.OrdinalIgnoreCase) && f[1].Equals("IID", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, int> Index(IReadOnlyList<FamSample> samples, bool hasFid)
    {
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
            byId.TryAdd(hasFid ? samples[i].Fid + "\t" + samples[i].Iid : samples[i].Iid, i);
        return byId;
    }

    private static double ParseValue(string path, int lineNumber, string column, string text)
    {
        if (text.Length == 0 || text == "-9" || text.Equals("NA", StringComparison.OrdinalIgnoreCase) || text.Equals("nan", StringComparison.OrdinalIgnoreCase))
            return double.NaN;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return value == -9 ? double.NaN : value;
        throw new UserInputException($"{path}: line {lineNumber}, column '{column}': '{text}' is not a number (use NA for missing)");
    }

    // Tab-separated lines keep empty fields (missing values); other lines split on runs of spaces.
    private static string[] Split(string line) => line.Contains('\t')
        ? line.TrimEnd('\r').Split('\t').Select(f => f.Trim(' ')).ToArray()
        : line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
