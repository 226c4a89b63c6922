using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Learning.Methods.TableAe;

/// <summary>
/// A plain fully connected autoencoder (or, with <see cref="Variational"/>, a Gaussian VAE) of per-person
/// measurements: expression of genes, image-derived values, or voxels of a coarse volume flattened into one row.
/// <list type="bullet">
/// <item>Inputs are standardised per column with the training rows' mean and standard deviation (kept in the network's
/// buffers, so a loaded model standardises new rows the same way).</item>
/// <item>Encoder: Linear, LayerNorm and SiLU for each width of <see cref="Hidden"/>, then a linear head to
/// <see cref="Latent"/> values (and their log variance for the VAE). Decoder: the mirror image, ending in a linear layer.</item>
/// <item>Loss: mean squared error over standardised inputs, plus for the VAE <see cref="KlWeight"/> times the KL
/// divergence to N(0, I) divided by the number of inputs (so the weight does not depend on the table's width).</item>
/// </list>
/// Not from one paper: this is the "plain autoencoder for tables" of issue 17, the table counterpart of the latent
/// phenotypes that Ometto et al. take from images; the embedding of a VAE is its posterior mean.
/// </summary>
public sealed record TableAeConfig : IMethodConfig<TableAeConfig>
{
    public int Inputs { get; init; }
    public EquatableArray<int> Hidden { get; init; } = [256, 64];
    public int Latent { get; init; } = 16;
    public bool Variational { get; init; }
    public double KlWeight { get; init; } = 1.0;
    public double Dropout { get; init; }

    /// <summary>Names of the input columns (genes, voxels...), kept so that a table given later can be checked against them.</summary>
    public EquatableArray<string> InputNames { get; init; } = [];

    public TableAeConfig Validate()
    {
        if (Inputs < 1) throw new UserInputException($"table-ae inputs: expected at least 1 column, got {Inputs}");
        if (Hidden.Any(h => h < 1)) throw new UserInputException("table-ae hidden: expected positive widths");
        if (Latent < 1) throw new UserInputException($"table-ae latent: expected a positive number, got {Latent}");
        if (KlWeight < 0 || !double.IsFinite(KlWeight)) throw new UserInputException($"table-ae kl_weight: expected zero or more, got {KlWeight}");
        if (Dropout is < 0 or >= 1) throw new UserInputException($"table-ae dropout: expected a number in [0, 1), got {Dropout}");
        if (InputNames.Length != 0 && InputNames.Length != Inputs)
            throw new UserInputException($"table-ae input_names: expected {Inputs} names, got {InputNames.Length}");
        return this;
    }
}
