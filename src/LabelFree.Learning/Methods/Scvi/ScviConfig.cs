using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Learning.Methods.Scvi;

[JsonConverter(typeof(JsonStringEnumConverter<GeneLikelihood>))]
public enum GeneLikelihood
{
    /// <summary>Zero-inflated negative binomial (scvi-tools' default).</summary>
    Zinb,

    /// <summary>Negative binomial.</summary>
    Nb,
}

/// <summary>
/// scVI (Lopez et al., "Deep generative modeling for single-cell transcriptomics", Nature Methods 2018), with the
/// defaults of scvi-tools' <c>SCVI</c> model and <c>VAE</c> module:
/// <list type="bullet">
/// <item>Encoder on log(1 + counts): one hidden layer of 128 (Linear, BatchNorm1d with momentum 0.01 and eps 1e-3,
/// ReLU, dropout 0.1), then linear heads for the latent mean and log variance (variance = exp + 1e-4); latent 10,
/// Gaussian. The batch is not given to the encoder (scvi-tools' encode_covariates = False).</item>
/// <item>Decoder: the latent and the one-hot batch into one hidden layer of 128 (Linear, BatchNorm, ReLU, no dropout),
/// then a softmax over genes (the normalised expression) times the observed library size gives the NB mean; the batch
/// one-hot is concatenated to the input of every decoder layer (deeply_inject_covariates). Gene-wise inverse dispersion
/// exp(theta), initialised from a standard normal. ZINB adds a linear head for the dropout logits.</item>
/// <item>Library size: observed (log of the cell's total count), so there is no library encoder and no library KL.</item>
/// <item>Loss per cell: -log p(x | z) summed over genes + kl_weight * KL(q(z|x) || N(0, I)); mean over the minibatch.
/// kl_weight rises linearly from 0 to 1 over the first 400 epochs (by epoch, as scvi-tools does).</item>
/// <item>Training (scvi-tools' TrainingPlan and train()): Adam, lr 1e-3, weight decay 1e-6 (L2, as torch.optim.Adam),
/// eps 0.01; minibatch 128; 90% of cells for training, 10% held out; epochs min(round(20000 / cells * 400), 400).</item>
/// </list>
/// <para>Deviations from scvi-tools:</para>
/// <list type="bullet">
/// <item>The held-out cells are chosen by a seeded permutation of LabelFree's own random streams, so the split differs
/// from scvi-tools' for the same seed; when the training set size leaves a last minibatch of a single cell (which
/// BatchNorm cannot train on), one cell moves from training to validation (scvi-tools instead raises or drops it).</item>
/// <item>Weights are initialised by TorchSharp's (LibTorch's) defaults, which match PyTorch's; the random draws differ.</item>
/// <item>The ELBO reported is the mean over held-out cells of the per-cell negative ELBO with kl_weight 1
/// (reconstruction + KL), from one posterior sample per cell and a fixed sampling seed.</item>
/// <item>A cell with no counts gets library size 1 (log 0 would be minus infinity; scvi-tools would fail on it).</item>
/// <item>The held-out loss is computed every epoch with the current KL weight and logged (scvi-tools logs it too); it
/// neither stops training early nor picks the weights kept (scvi-tools' defaults: no early stopping, last weights).</item>
/// <item>Normalised expression is the decoder's softmax times 10,000 at the latent mean, decoded in the cell's own batch
/// (scvi-tools' get_normalized_expression defaults to library size 1 and can average over samples).</item>
/// </list>
/// </summary>
public sealed record ScviConfig : IMethodConfig<ScviConfig>
{
    public int Genes { get; init; }
    /// <summary>The obs column the batches were read from at training (null: one batch); embed and eval default to it.</summary>
    public string? BatchKey { get; init; }

    public int Batches { get; init; } = 1;
    public EquatableArray<string> BatchNames { get; init; } = [];
    public int Hidden { get; init; } = 128;
    public int Latent { get; init; } = 10;
    public double DropoutRate { get; init; } = 0.1;
    public double BatchNormMomentum { get; init; } = 0.01;
    public double BatchNormEps { get; init; } = 1e-3;
    public double VarianceEps { get; init; } = 1e-4;
    public GeneLikelihood Likelihood { get; init; } = GeneLikelihood.Zinb;
    public int KlWarmupEpochs { get; init; } = 400;

    public ScviConfig Validate()
    {
        if (Genes < 2) throw new UserInputException($"scvi genes: expected at least 2 genes, got {Genes}");
        if (Batches < 1 || (BatchNames.Length != 0 && BatchNames.Length != Batches))
            throw new UserInputException($"scvi batches: expected at least 1 batch and one name per batch, got {Batches} and {BatchNames.Length} names");
        if (Hidden < 1 || Latent < 1) throw new UserInputException($"scvi hidden/latent: expected positive sizes, got {Hidden} and {Latent}");
        if (DropoutRate is < 0 or >= 1) throw new UserInputException($"scvi dropout_rate: expected a number in [0, 1), got {DropoutRate}");
        if (KlWarmupEpochs < 0) throw new UserInputException($"scvi kl_warmup_epochs: expected zero or more, got {KlWarmupEpochs}");
        return this;
    }

    /// <summary>Whether the batch one-hot is fed to the decoder (scvi-tools drops a covariate with a single category).</summary>
    [JsonIgnore]
    public int BatchInputs => Batches > 1 ? Batches : 0;

    /// <summary>scvi-tools' default number of epochs for <paramref name="cells"/> cells.</summary>
    public static int DefaultEpochs(int cells) => (int)Math.Min(Math.Round(20000.0 / cells * 400), 400);

    /// <summary>The KL weight in epoch <paramref name="epoch"/> (zero-based): linear from 0 to 1 over the warm-up.</summary>
    public double KlWeight(int epoch) => KlWarmupEpochs == 0 ? 1 : Math.Min(1.0, (double)epoch / KlWarmupEpochs);
}
