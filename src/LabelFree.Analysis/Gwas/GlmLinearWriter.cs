using System.IO.Compression;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Analysis.Gwas;

/// <summary>A variant as the output names it: <see cref="Alt"/> is the .bim's column 5, <see cref="Ref"/> column 6.</summary>
public sealed record GlmVariant(string Chrom, int Position, string Id, string Ref, string Alt);

/// <summary>
/// Writes one PREFIX.&lt;phenotype&gt;.glm.linear[.gz] per phenotype, with the columns and number formatting of
/// <c>plink2 --glm hide-covar cols=+a1freq</c> (2.00a3.5): #CHROM POS ID REF ALT A1 A1_FREQ TEST OBS_CT BETA SE T_STAT
/// P ERRCODE; when the scan estimated covariate rows, each ADD row is followed by one row per covariate as in
/// <c>plink2 --glm cols=+a1freq</c>. Files appear only on <see cref="Commit"/>; phenotypes are formatted in parallel.
/// </summary>
public sealed class GlmLinearWriter : IGwasSink, IDisposable
{
    public const string Header = "#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP\tERRCODE";

    private readonly AtomicFile.Pending[] _files;
    private readonly Stream[] _outputs;
    private readonly (int Group, int Index)[] _where;
    private readonly int _threads;

    public GlmLinearWriter(string outPrefix, IReadOnlyList<string> phenotypeNames, IReadOnlyList<PhenotypeGroup> groups, bool gzip, int threads)
    {
        Paths = phenotypeNames.Select(name => $"{outPrefix}.{name}.glm.linear{(gzip ? ".gz" : "")}").ToArray();
        _threads = threads;
        _where = new (int, int)[phenotypeNames.Count];
        for (var g = 0; g < groups.Count; g++)
            for (var i = 0; i < groups[g].Phenotypes.Length; i++) _where[groups[g].Phenotypes[i]] = (g, i);
        _files = Paths.Select(AtomicFile.Open).ToArray();
        _outputs = _files.Select(f => gzip ? new GZipStream(f.Stream, CompressionLevel.Fastest, leaveOpen: true) : f.Stream).ToArray();
        foreach (var o in _outputs) o.Write(Encoding.ASCII.GetBytes(Header + "\n"));
    }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>Appends a block; <paramref name="variants"/> are the block's variants in order.</summary>
    public void Write(GwasBlock block, IReadOnlyList<GlmVariant> variants)
    {
        // Everything up to BETA is shared by the phenotypes of a group: format it once per group and variant.
        var prefixes = block.Groups.Select(result => Enumerable.Range(0, block.Count).Select(v => Prefix(block, result, variants[v], v)).ToArray()).ToArray();
        Parallel.For(0, _outputs.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, () => new Utf8Line(), (p, _, line) =>
        {
            var (g, index) = _where[p];
            var result = block.Groups[g];
            line.Clear();
            for (var v = 0; v < block.Count; v++)
            {
                AppendLine(line, prefixes[g][v], result, index, v, block.ReportsA2(v) ? -1 : 1);
                if (result.CovariateBeta is not null) AppendCovariateLines(line, prefixes[g][v], result, index, v);
            }
            _outputs[p].Write(line.Written);
            return line;
        }, _ => { });
    }

    // plink2's rows after ADD without hide-covar: one per covariate, TEST = its name, same OBS_CT and df.
    private static void AppendCovariateLines(Utf8Line line, byte[] prefix, GroupBlockResult result, int index, int v)
    {
        var names = result.Group.CovariateEffects.Names;
        var error = result.Error[v];
        if (error == GlmError.None && double.IsNaN(result.Se[index][v])) error = GlmError.InvalidResult;
        for (var j = 0; j < names.Count; j++)
        {
            line.Append(prefix.AsSpan(0, prefix.Length - ObsCountSuffixLength(result, v))).Append(Encoding.UTF8.GetBytes(names[j])).Append((byte)'\t')
                .Append(result.ObsCount[v]).Append((byte)'\t');
            if (error != GlmError.None)
            {
                line.Append("NA\tNA\tNA\tNA\t"u8).Append(Encoding.ASCII.GetBytes(error.Name())).Append((byte)'\n');
                continue;
            }
            var beta = result.CovariateBeta![index][j][v];
            var se = result.CovariateSe![index][j][v];
            var t = beta / se;
            line.AppendG6(beta).Append((byte)'\t').AppendG6(se).Append((byte)'\t').AppendG6(t).Append((byte)'\t')
                .AppendFromLn(StudentT.LnTwoSidedP(t, result.DegreesOfFreedom(v))).Append("\t.\n"u8);
        }
    }

    // Bytes of "ADD\t<OBS_CT>\t" at the end of a prefix.
    private static int ObsCountSuffixLength(GroupBlockResult result, int v) =>
        4 + result.ObsCount[v].ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1;

    // #CHROM POS ID REF ALT A1 A1_FREQ TEST OBS_CT, each followed by a tab.
    private static byte[] Prefix(GwasBlock block, GroupBlockResult result, GlmVariant variant, int v)
    {
        var flip = block.ReportsA2(v);
        var line = new Utf8Line(128);
        line.Append(Encoding.UTF8.GetBytes($"{variant.Chrom}\t{variant.Position}\t{variant.Id}\t{variant.Ref}\t{variant.Alt}\t{(flip ? variant.Ref : variant.Alt)}\t"))
            .AppendG6(flip ? 1 - result.A1Freq[v] : result.A1Freq[v]).Append("\tADD\t"u8).Append(result.ObsCount[v]).Append((byte)'\t');
        return line.Written.ToArray();
    }

    private static void AppendLine(Utf8Line line, byte[] prefix, GroupBlockResult result, int index, int v, int sign)
    {
        line.Append(prefix);
        var beta = sign * result.Beta[index][v];
        var se = result.Se[index][v];
        var error = result.Error[v];
        if (error == GlmError.None && double.IsNaN(se)) error = GlmError.InvalidResult;
        if (error != GlmError.None)
        {
            line.Append("NA\tNA\tNA\tNA\t"u8).Append(Encoding.ASCII.GetBytes(error.Name())).Append((byte)'\n');
            return;
        }
        var t = beta / se;
        line.AppendG6(beta).Append((byte)'\t').AppendG6(se).Append((byte)'\t').AppendG6(t).Append((byte)'\t')
            .AppendFromLn(StudentT.LnTwoSidedP(t, result.DegreesOfFreedom(v))).Append("\t.\n"u8);
    }

    /// <summary>Finishes every file and moves it into place.</summary>
    public void Commit()
    {
        for (var p = 0; p < _outputs.Length; p++)
        {
            if (_outputs[p] is GZipStream gzip) gzip.Dispose();
            _files[p].Commit();
        }
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
