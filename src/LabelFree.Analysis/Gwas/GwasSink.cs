namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Where a scan's results go, block by block and in variant order: plink2-format files (<see cref="GlmLinearWriter"/>),
/// or any other format or in-memory collector. Nothing is final before <see cref="Commit"/>.
/// </summary>
public interface IGwasSink
{
    /// <summary>Takes one block of results; <paramref name="variants"/> are the block's variants in order.</summary>
    void Write(GwasBlock block, IReadOnlyList<GlmVariant> variants);

    /// <summary>Makes everything written final (for files: moved into place).</summary>
    void Commit();
}
