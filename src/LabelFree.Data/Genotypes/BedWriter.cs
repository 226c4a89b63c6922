using LabelFree.Core.IO;

namespace LabelFree.Data.Genotypes;

/// <summary>Writes PLINK 1 binary filesets (for simulations and tests). Dosages count Allele1; -1 is missing.</summary>
public static class BedWriter
{
    /// <summary>Packs one variant's A1 dosages (0, 1, 2, or -1 for missing) into <paramref name="destination"/>.</summary>
    public static void Pack(ReadOnlySpan<sbyte> dosages, Span<byte> destination)
    {
        destination[..((dosages.Length + 3) / 4)].Clear();
        for (var i = 0; i < dosages.Length; i++)
        {
            var code = dosages[i] switch { 2 => 0b00, -1 => 0b01, 1 => 0b10, 0 => 0b11, _ => throw new ArgumentOutOfRangeException(nameof(dosages)) };
            destination[i >> 2] |= (byte)(code << (2 * (i & 3)));
        }
    }

    /// <summary>Writes PREFIX.bed/.bim/.fam; <paramref name="variantDosages"/> yields one dosage row per variant.</summary>
    public static void Write(string prefix, IReadOnlyList<FamSample> samples, IReadOnlyList<BimVariant> variants, IEnumerable<sbyte[]> variantDosages)
    {
        AtomicFile.WriteAllText(prefix + ".fam", string.Concat(samples.Select(s => $"{s.Fid}\t{s.Iid}\t{s.Father}\t{s.Mother}\t0\t-9\n")));
        AtomicFile.WriteAllText(prefix + ".bim", string.Concat(variants.Select(v =>
            FormattableString.Invariant($"{v.Chrom}\t{v.Id}\t{v.Cm}\t{v.Position}\t{v.Allele1}\t{v.Allele2}\n"))));
        AtomicFile.Write(prefix + ".bed", stream =>
        {
            stream.Write([0x6c, 0x1b, 0x01]);
            var packed = new byte[(samples.Count + 3) / 4];
            var written = 0;
            foreach (var row in variantDosages)
            {
                if (row.Length != samples.Count) throw new ArgumentException($"variant {written} has {row.Length} dosages for {samples.Count} samples");
                Pack(row, packed);
                stream.Write(packed);
                written++;
            }
            if (written != variants.Count) throw new ArgumentException($"{written} dosage rows for {variants.Count} variants");
        });
    }
}
