using System.Globalization;
using System.Text;
using LabelFree.Core.IO;
using LabelFree.Data.Genotypes;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>Per-person columns written in PLINK 2's phenotype/covariate format: <c>#FID IID name...</c>, NaN as NA.</summary>
public static class PhenotypeTable
{
    public static void Write(string path, IReadOnlyList<FamSample> samples, IReadOnlyList<(string Name, double[] Values)> columns)
    {
        var text = new StringBuilder("#FID\tIID");
        foreach (var (name, _) in columns) text.Append('\t').Append(name);
        text.Append('\n');
        for (var s = 0; s < samples.Count; s++)
        {
            text.Append(samples[s].Fid).Append('\t').Append(samples[s].Iid);
            foreach (var (_, values) in columns)
                text.Append('\t').Append(double.IsNaN(values[s]) ? "NA" : values[s].ToString("G7", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
