using System.Globalization;
using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Sequences;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>A DNA model, the reference sequences (FASTA whose record ids are the VCF's CHROM) and the variants (VCF); the window in bases around each variant (null: as many as the model's tokens hold).</summary>
public sealed record DnaVariantSettings(string Model, string Fasta, string Variants, int? WindowBases = null);

/// <summary>One variant's zero-shot scores (NaN where a score does not apply; <see cref="Note"/> says why).</summary>
/// <param name="EmbeddingL2">Euclidean distance between the mean embeddings of the reference and the alternative window.</param>
/// <param name="EmbeddingCosineDistance">1 - cosine similarity of the same embeddings.</param>
/// <param name="LogLikelihoodRatio">ln p(alt) - ln p(ref) at the site, with the tokens covering it masked (SNVs, language models only).</param>
public sealed record VariantEffect(Variant Variant, int WindowStart, int WindowBases, double EmbeddingL2, double EmbeddingCosineDistance, double LogLikelihoodRatio, string Note);

/// <summary>What a variant-effect run reports.</summary>
public sealed record DnaVariantSummary(int Variants, int Scored, int WithLikelihoodRatio, string Table);

/// <summary>
/// Zero-shot variant effects (the Nucleotide Transformer's scores): for each variant, a window of the reference centred
/// on it and the same window with the alternative allele; the distance between their mean embeddings (L2 and cosine),
/// and for SNVs under a pre-trained language model the masked log-likelihood ratio ln p(alt) - ln p(ref) of the site
/// given the rest of the reference window (<see cref="MaskedSpans"/>: DNABERT masks the k tokens covering the site,
/// the NT the 6-mer token holding it). Writes variant_effects.tsv.
/// </summary>
public static class DnaVariantEffects
{
    public static DnaVariantSummary Run(DnaVariantSettings settings, RunSettings run, IProgressReporter progress)
    {
        if (settings.WindowBases is < 16) throw new SettingException("window_bases", $"expected at least 16 bases, got {settings.WindowBases}");
        var variants = VcfReader.Read(settings.Variants);
        if (variants.Count == 0) throw new UserInputException($"{settings.Variants}: no variants");
        var genome = FastaReader.Read(settings.Fasta).GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var v in variants) RequireReference(settings, genome, v);
        var device = run.StartTorch();
        using var model = DnaModels.Load(settings.Model, device);
        var window = settings.WindowBases ?? model.MaxWindowBases;
        Directory.CreateDirectory(run.Out);

        progress.Info($"scoring {variants.Count} variants in windows of up to {window} bases");
        var effects = Score(model, variants, genome, window);
        var path = Path.Combine(run.Out, "variant_effects.tsv");
        Write(path, effects);
        var summary = new DnaVariantSummary(effects.Count, effects.Count(e => double.IsFinite(e.EmbeddingL2)), effects.Count(e => double.IsFinite(e.LogLikelihoodRatio)), path);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    /// <summary>The scores of each variant (reference already checked against <paramref name="genome"/>).</summary>
    public static IReadOnlyList<VariantEffect> Score(IDnaEncoderModel model, IReadOnlyList<Variant> variants, IReadOnlyDictionary<string, SequenceRecord> genome, int window)
    {
        var scored = variants.Where(v => v.Kind != VariantKind.Symbolic).ToArray();
        var placed = scored.Select(v => Place(genome[v.Chrom], v, window)).ToArray();
        var reference = placed.Select(p => p.Reference).ToArray();
        var alternative = placed.Select(p => p.Alternative).ToArray();
        var refEmbedding = model.Embed(reference).Mean;
        var altEmbedding = model.Embed(alternative).Mean;

        var ratios = new double[scored.Length];
        Array.Fill(ratios, double.NaN);
        var notes = new string[scored.Length];
        var spans = new List<HiddenSpan>();
        var spanOf = new List<int>();
        for (var i = 0; i < scored.Length; i++)
        {
            if (model is not DnaLanguageModel lm) notes[i] = "likelihood ratio: needs a pre-trained language model";
            else if (scored[i].Kind != VariantKind.Snv) notes[i] = "likelihood ratio: SNVs only";
            else if (!MaskedSpans.CanScore(lm.Tokenizer, reference[i].Span, lm.MaxTokens, placed[i].Site, 1)) notes[i] = "likelihood ratio: an N or the window's edge is too close to the site";
            else
            {
                spans.Add(new HiddenSpan(i, placed[i].Site, 1));
                spanOf.Add(i);
            }
        }
        if (model is DnaLanguageModel language && spans.Count > 0)
        {
            var scores = language.ScoreSpans(reference, spans);
            for (var j = 0; j < scores.Length; j++) ratios[spanOf[j]] = scores[j].Of(scored[spanOf[j]].Alt) - scores[j].Of(scored[spanOf[j]].Ref);
        }

        var result = new List<VariantEffect>();
        var next = 0;
        foreach (var v in variants)
        {
            if (v.Kind == VariantKind.Symbolic)
            {
                result.Add(new VariantEffect(v, -1, 0, double.NaN, double.NaN, double.NaN, "symbolic allele: no sequence to score"));
                continue;
            }
            var i = next++;
            var (l2, cosine) = Distances(refEmbedding, altEmbedding, i);
            result.Add(new VariantEffect(v, placed[i].Start, reference[i].Length, l2, cosine, ratios[i], notes[i] ?? ""));
        }
        return result;
    }

    /// <summary>The reference window of up to <paramref name="window"/> bases centred on the variant (moved inside its record), the window with the alternative allele, and the site's position in the window.</summary>
    public static (int Start, int Site, ReadOnlyMemory<byte> Reference, ReadOnlyMemory<byte> Alternative) Place(SequenceRecord record, Variant variant, int window)
    {
        var site = (int)(variant.Position - 1);
        var length = Math.Min(window, record.Length);
        var start = Math.Clamp(site - length / 2, 0, record.Length - length);
        var reference = record.Bases.AsMemory(start, length);
        var alt = new byte[length - variant.Ref.Length + variant.Alt.Length];
        var offset = site - start;
        reference.Span[..offset].CopyTo(alt);
        Encoding.ASCII.GetBytes(variant.Alt).CopyTo(alt, offset);
        reference.Span[(offset + variant.Ref.Length)..].CopyTo(alt.AsSpan(offset + variant.Alt.Length));
        return (start, offset, reference, alt);
    }

    private static void RequireReference(DnaVariantSettings settings, IReadOnlyDictionary<string, SequenceRecord> genome, Variant v)
    {
        if (!genome.TryGetValue(v.Chrom, out var record))
            throw new UserInputException($"{settings.Variants}:{v.Line}: CHROM '{v.Chrom}' is not a record of {settings.Fasta}");
        if (v.Position + v.Ref.Length - 1 > record.Length)
            throw new UserInputException($"{settings.Variants}:{v.Line}: POS {v.Position} (REF {v.Ref}) runs past the end of '{v.Chrom}' ({record.Length} bases)");
        var found = Encoding.ASCII.GetString(record.Bases, (int)(v.Position - 1), v.Ref.Length);
        if (!string.Equals(found, v.Ref, StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"{settings.Variants}:{v.Line}: REF {v.Ref} does not match {settings.Fasta}, which has {found} at {v.Chrom}:{v.Position}");
    }

    private static (double L2, double Cosine) Distances(float[,] a, float[,] b, int row)
    {
        double squares = 0, dot = 0, normA = 0, normB = 0;
        for (var d = 0; d < a.GetLength(1); d++)
        {
            double x = a[row, d], y = b[row, d];
            squares += (x - y) * (x - y);
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }
        var cosine = normA > 0 && normB > 0 ? 1 - dot / Math.Sqrt(normA * normB) : double.NaN;
        return (Math.Sqrt(squares), cosine);
    }

    private static void Write(string path, IReadOnlyList<VariantEffect> effects)
    {
        var text = new StringBuilder("chrom\tpos\tid\tref\talt\tkind\twindow_start\twindow_bases\tembedding_l2\tembedding_cosine_distance\tllr_alt_vs_ref\tnote\n");
        foreach (var e in effects)
        {
            var v = e.Variant;
            text.Append(CultureInfo.InvariantCulture,
                $"{v.Chrom}\t{v.Position}\t{v.Id}\t{v.Ref}\t{v.Alt}\t{v.Kind.ToString().ToLowerInvariant()}\t{e.WindowStart}\t{e.WindowBases}\t{e.EmbeddingL2:G6}\t{e.EmbeddingCosineDistance:G6}\t{e.LogLikelihoodRatio:G6}\t{e.Note}\n");
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
