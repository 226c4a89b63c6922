using System.IO.Compression;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Writes one PREFIX.&lt;phenotype&gt;.glm.logistic.hybrid[.gz] per case/control phenotype, in the columns and number
/// formatting of <c>plink2 --glm hide-covar cols=+a1freq</c> (firth-fallback, 2.00a3.5): #CHROM POS ID REF ALT A1
/// A1_FREQ FIRTH? TEST OBS_CT OR LOG(OR)_SE Z_STAT P ERRCODE. P is two-sided from the normal distribution. Files
/// appear only on <see cref="Commit"/>.
/// </summary>
public sealed class GlmLogisticWriter : IDisposable
{
    public const string Header = "#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tFIRTH?\tTEST\tOBS_CT\tOR\tLOG(OR)_SE\tZ_STAT\tP\tERRCODE";

    private readonly AtomicFile.Pending[] _files;
    private readonly Stream[] _outputs;
    private readonly Utf8Line _line = new();

    public GlmLogisticWriter(string outPrefix, IReadOnlyList<string> phenotypeNames, bool gzip)
    {
        Paths = phenotypeNames.Select(name => $"{outPrefix}.{name}.glm.logistic.hybrid{(gzip ? ".gz" : "")}").ToArray();
        _files = Paths.Select(AtomicFile.Open).ToArray();
        _outputs = _files.Select(f => gzip ? new GZipStream(f.Stream, CompressionLevel.Fastest, leaveOpen: true) : f.Stream).ToArray();
        foreach (var o in _outputs) o.Write(Encoding.ASCII.GetBytes(Header + "\n"));
    }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>Appends a block; <paramref name="variants"/> are its variants in order.</summary>
    public void Write(LogisticBlock block, IReadOnlyList<GlmVariant> variants)
    {
        for (var p = 0; p < _outputs.Length; p++)
        {
            var result = block.Phenotypes[p];
            _line.Clear();
            for (var v = 0; v < block.Count; v++)
            {
                var variant = variants[v];
                var a1 = block.A1IsRef[v] ? variant.Ref : variant.Alt;
                _line.Append(Encoding.UTF8.GetBytes($"{variant.Chrom}\t{variant.Position}\t{variant.Id}\t{variant.Ref}\t{variant.Alt}\t{a1}\t"))
                    .AppendG6(result.A1Freq[v]).Append(result.Firth[v] ? "\tY\tADD\t"u8 : "\tN\tADD\t"u8).Append(result.ObsCount[v]).Append((byte)'\t');
                var error = result.Error[v];
                if (double.IsNaN(result.Beta[v]))
                {
                    _line.Append("NA\tNA\tNA\tNA\t"u8).Append(Encoding.ASCII.GetBytes(error.Name())).Append((byte)'\n');
                    continue;
                }
                var z = result.Beta[v] / result.Se[v];
                _line.AppendG6(Math.Exp(result.Beta[v])).Append((byte)'\t').AppendG6(result.Se[v]).Append((byte)'\t').AppendG6(z).Append((byte)'\t')
                    .AppendFromLn(NormalTail.LnTwoSidedP(z)).Append((byte)'\t').Append(Encoding.ASCII.GetBytes(error.Name())).Append((byte)'\n');
            }
            _outputs[p].Write(_line.Written);
        }
    }

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
