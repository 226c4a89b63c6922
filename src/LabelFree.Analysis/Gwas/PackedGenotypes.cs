namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Copies the records of variants [first, first + count) into <paramref name="destination"/>, each ceil(N/4) bytes in
/// PLINK 1 .bed encoding (sample 0 in the lowest two bits; 00 hom A1, 01 missing, 10 het, 11 hom A2).
/// Must be safe to call from several threads at once.
/// </summary>
public delegate void PackedBlockReader(long first, int count, Span<byte> destination);

/// <summary>
/// Genotypes as the analyses read them: a variant-major stream of packed 2-bit records. LabelFree.Data's
/// <c>BedFile.ReadPacked</c> is one such reader; keeping the contract this small keeps Analysis free of file formats.
/// </summary>
public sealed record PackedGenotypes(int SampleCount, long VariantCount, PackedBlockReader Read)
{
    public int BytesPerVariant => (SampleCount + 3) / 4;

    /// <summary>The same genotypes as dosage rows (hard calls 0/1/2), for analyses that need whole rows.</summary>
    public DosageGenotypes AsDosages() => new(SampleCount, VariantCount, (first, count, dosages, stride, missing) =>
    {
        var packed = new byte[BytesPerVariant];
        var row = new double[BytesPerVariant * 4];
        for (var r = 0; r < count; r++)
        {
            Read(first + r, 1, packed);
            missing[r].Clear();
            GenotypeDecoder.Decode(packed, SampleCount, row, missing[r]);
            row.AsSpan(0, SampleCount).CopyTo(dosages.Slice(r * stride, SampleCount));
        }
    });
}

/// <summary>
/// Fills rows r &lt; count of <paramref name="dosages"/> (row stride <paramref name="stride"/>) with the A1 dosages
/// (expected allele counts, 0 to 2) of variants [first, first + count), a missing genotype as 0 with its sample index
/// in <paramref name="missing"/>[r] (cleared first). Must be safe to call from several threads at once.
/// </summary>
public delegate void DosageBlockReader(long first, int count, Span<double> dosages, int stride, List<int>[] missing);

/// <summary>Genotypes as dosages (BGEN and other imputed data): a variant-major stream of rows of N doubles.</summary>
public sealed record DosageGenotypes(int SampleCount, long VariantCount, DosageBlockReader Read);
