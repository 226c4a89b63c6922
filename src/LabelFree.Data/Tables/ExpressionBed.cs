using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Data.Tables;

/// <summary>One gene of an expression table: its name, chromosome, start (the TSS for + strand genes, as QTLtools writes it) and strand.</summary>
public sealed record ExpressionGene(string Name, string Chrom, int Start, char Strand);

/// <summary>Molecular phenotypes by sample, as in QTLtools' UCSC-BED-like files: genes in rows, samples in columns.</summary>
public sealed record ExpressionTable(IReadOnlyList<string> Samples, IReadOnlyList<ExpressionGene> Genes, IReadOnlyList<double[]> Values);

/// <summary>
/// Reads QTLtools-style phenotype BED files (.bed or .bed.gz): a header <c>#chr start end gene info strand S1 S2 ...</c>,
/// then one gene per line with its value in every sample (NA for missing).
/// </summary>
public static class ExpressionBed
{
    public static ExpressionTable Read(string path)
    {
        using var reader = InputFile.OpenText(path, "expression BED file");
        var header = reader.ReadLine()?.Split('\t') ?? throw new UserInputException($"{path}: empty file");
        if (header.Length < 7 || !header[0].StartsWith('#')) throw new UserInputException($"{path}: expected a header '#chr start end gene info strand SAMPLE...'");
        var samples = header[6..];
        var genes = new List<ExpressionGene>();
        var values = new List<double[]>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split('\t');
            if (fields.Length != header.Length) throw new UserInputException($"{path}:{lineNumber}: {fields.Length} columns, the header has {header.Length}");
            if (!int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
                throw new UserInputException($"{path}:{lineNumber}: start '{fields[1]}' is not an integer");
            genes.Add(new ExpressionGene(fields[3], fields[0], start, fields[5].Length > 0 ? fields[5][0] : '+'));
            var row = new double[samples.Length];
            for (var s = 0; s < samples.Length; s++)
            {
                var text = fields[6 + s];
                if (text is "NA" or "") row[s] = double.NaN;
                else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out row[s]))
                    throw new UserInputException($"{path}:{lineNumber}: value '{text}' for {samples[s]} is not a number");
            }
            values.Add(row);
        }
        return new ExpressionTable(samples, genes, values);
    }

    /// <summary>
    /// Reads a QTLtools covariate file (covariates in rows, samples in columns, first row 'SampleID S1 S2 ...'),
    /// keeping the first <paramref name="count"/> covariates.
    /// </summary>
    public static (IReadOnlyList<string> Samples, IReadOnlyList<(string Name, double[] Values)> Covariates) ReadCovariates(string path, int count)
    {
        using var reader = InputFile.OpenText(path, "covariate file");
        var header = reader.ReadLine()?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? throw new UserInputException($"{path}: empty file");
        var samples = header[1..];
        var covariates = new List<(string, double[])>();
        while (covariates.Count < count && reader.ReadLine() is { } line)
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != header.Length) throw new UserInputException($"{path}: covariate {fields.FirstOrDefault()} has {fields.Length - 1} values for {samples.Length} samples");
            var name = $"COV{covariates.Count + 1}";
            covariates.Add((name, fields[1..].Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray()));
        }
        return (samples, covariates);
    }
}
