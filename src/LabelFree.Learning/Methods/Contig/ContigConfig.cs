using LabelFree.Core.Errors;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.Contig;

/// <summary>
/// A ContIG-style cross-modal model (Taleb et al. 2022; HealthML/ContIG): an image encoder with a 2-layer projection
/// head, and an MLP for a second modality (here a row of numbers per image, such as a Visium spot's expression: two
/// hidden layers of <see cref="TableHidden"/> with batch norm and ReLU, then its own projection head), trained with
/// the symmetric cross-modal NT-Xent at <see cref="Temperature"/> 0.1 (LabelFree's choice) so that an image and its own row match.
/// Deviations: ContIG's second modalities are genotypes (raw SNPs, polygenic scores, burden scores) with their own
/// aggregations; LabelFree takes any numeric table, standardised per column; ContIG adds the image-only SimCLR loss
/// in some variants, which this model leaves out; images get one SimCLR view per step.
/// </summary>
public sealed record ContigConfig : IMethodConfig<ContigConfig>
{
    public ImageEncoderConfig Encoder { get; init; } = new();
    public int TableFeatures { get; init; } = 1;
    public int TableHidden { get; init; } = 256;
    public int ProjectionDimension { get; init; } = 128;
    public double Temperature { get; init; } = 0.1;
    public bool Mri { get; init; }

    public ContigConfig Validate()
    {
        Encoder.Validate();
        if (TableFeatures < 1) throw new SettingException("table_features", $"expected a positive number, got {TableFeatures}");
        if (TableHidden < 1) throw new SettingException("table_hidden", $"expected a positive number, got {TableHidden}");
        if (ProjectionDimension < 1) throw new SettingException("projection_dimension", $"expected a positive number, got {ProjectionDimension}");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) throw new SettingException("temperature", $"expected a positive number, got {Temperature}");
        return this;
    }
}
