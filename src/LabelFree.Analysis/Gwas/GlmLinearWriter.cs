using System.IO.Compression;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Analysis.Gwas;

/// <summary>A variant as the output names it: <see cref="Alt"/> is the .bim's column 5, <see cref="Ref"/> column 6.</summary>
public sealed record GlmVariant(string Chrom, int Position, string Id, string Ref, string Alt);

/// <summary>
/// Writes one PREFIX.&lt;phenotype&gt;.glm.linear[.gz] per phenotype, with the columns and number formatting of
/// <c>plink2 --glm hide-covar cols=+a1freq</c> (2.00a3.5): #CHROM POS ID REF ALT A1 A1_FREQ TEST OBS_CT BETA SE T_STAT
/// P ERRCODE. Files appear only on <see cref="Commit"/>; phenotypes are formatted in parallel.
/// </summary>
public sealed class GlmLinearWriter : IDisposable
{
    public const string Header = "#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP\tERRCODE";

    private readonly AtomicFile.Pending[] _files;
    private readonly StreamWriter[] _writers;
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
        _writers = _files.Select(f => new StreamWriter(
            gzip ? new GZipStream(f.Stream, CompressionLevel.Fastest, leaveOpen: true) : f.Stream,
            new UTF8Encoding(false), 1 << 16, leaveOpen: true)).ToArray();
        foreach (var w in _writers) w.Write(Header + "\n");
    }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>Appends a block; <paramref name="variants"/> are the block's variants in order.</summary>
    public void Write(GwasBlock block, IReadOnlyList<GlmVariant> variants)
    {
        var prefixes = variants.Select((v, i) => $"{v.Chrom}\t{v.Position}\t{v.Id}\t{v.Ref}\t{v.Alt}\t{(block.ReportsA2(i) ? v.Ref : v.Alt)}\t").ToArray();
        Parallel.For(0, _writers.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, p =>
        {
            var (g, index) = _where[p];
            var result = block.Groups[g];
            var line = new StringBuilder(128 * block.Count);
            for (var v = 0; v < block.Count; v++) AppendLine(line, prefixes[v], result, index, v, block.ReportsA2(v) ? -1 : 1);
            _writers[p].Write(line);
        });
    }

    private static void AppendLine(StringBuilder line, string prefix, GroupBlockResult result, int index, int v, int sign)
    {
        line.Append(prefix).Append(PlinkNumber.G6(sign > 0 ? result.A1Freq[v] : 1 - result.A1Freq[v])).Append("\tADD\t").Append(result.ObsCount[v]).Append('\t');
        var beta = sign * result.Beta[index][v];
        var se = result.Se[index][v];
        var error = result.Error[v];
        if (error == GlmError.None && double.IsNaN(se)) error = GlmError.InvalidResult;
        if (error != GlmError.None)
        {
            line.Append("NA\tNA\tNA\tNA\t").Append(error.Name()).Append('\n');
            return;
        }
        var t = beta / se;
        line.Append(PlinkNumber.G6(beta)).Append('\t').Append(PlinkNumber.G6(se)).Append('\t').Append(PlinkNumber.G6(t)).Append('\t')
            .Append(PlinkNumber.FromLn(StudentT.LnTwoSidedP(t, result.DegreesOfFreedom(v)))).Append("\t.\n");
    }

    /// <summary>Finishes every file and moves it into place.</summary>
    public void Commit()
    {
        for (var p = 0; p < _writers.Length; p++)
        {
            _writers[p].Flush();
            if (_writers[p].BaseStream is GZipStream gzip) gzip.Dispose();
            _writers[p].Dispose();
            _files[p].Commit();
        }
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
