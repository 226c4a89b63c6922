using LabelFree.Core.Errors;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>A method built on the Anomaly Transformer's architecture (the Anomaly Transformer itself, MAAT).</summary>
public interface IAssociationConfig<out TSelf> : IMethodConfig<TSelf>
{
    /// <summary>The anomaly-attention encoder's sizes and loss weights.</summary>
    AnomalyTransformerConfig Architecture();
}

/// <summary>
/// The Anomaly Transformer (Xu, Wu, Wang and Long, "Anomaly Transformer: Time Series Anomaly Detection with
/// Association Discrepancy", ICLR 2022; reference thuml/Anomaly-Transformer, model/ and solver.py):
/// <list type="bullet">
/// <item>Input: windows of <see cref="Window"/> samples (100) of the standardised channels (StandardScaler fitted on
/// the training series).</item>
/// <item>Embedding: a circular convolution of width 3 without bias over the channels (Kaiming-normal, fan-in,
/// leaky-ReLU gain) plus fixed sinusoidal positions; dropout.</item>
/// <item>Encoder: <see cref="Layers"/> post-norm layers of anomaly-attention (<see cref="Nn.AnomalyAttention"/>)
/// and a GELU MLP of width <see cref="FeedForward"/> (the reference's kernel-1 convolutions), each sum followed by
/// LayerNorm; a final LayerNorm and a linear projection back to the channels (reconstruction).</item>
/// <item>Loss (minimax, the reference's solver): with reconstruction MSE R and the layer-averaged association
/// discrepancy, phase 1 minimises R - k·AD(S, sg(P)) and phase 2 minimises R + k·AD(sg(S), P), k = <see cref="K"/> (3).
/// The reference calls loss1.backward(retain_graph=True), loss2.backward() and one optimizer.step(), so its gradient is
/// that of the sum of the two; LabelFree minimises that sum in one step, which gives the same gradient.</item>
/// <item>Anomaly score per point (the paper's equation 6 as its solver computes it): softmax over the window's points
/// of -(Σ_layers KL(S‖P) + KL(P‖S)) x <see cref="Temperature"/> (50), times the point's reconstruction error (mean
/// over channels).</item>
/// <item>Sizes: <see cref="Paper"/> gives the published ones (width 512, 8 heads, 3 layers, MLP 512, dropout 0); the
/// defaults are a small model for 2 CPU cores (width 64, 4 heads, 3 layers, MLP 64).</item>
/// </list>
/// <para>Deviations from the reference:</para>
/// <list type="bullet">
/// <item>Test windows do not overlap, as the reference's, but one more window ending at the last sample scores the
/// samples after the last whole window (the reference leaves them out), so every sample gets a score.</item>
/// <item>The prior is returned normalised over keys (the reference normalises it where it is used: the same numbers).
/// The reference's AttentionLayer builds a LayerNorm it never calls; it is left out. Dropout (0 in the reference) is
/// applied to the embeddings, attention weights and sublayer outputs, not inside the MLP.</item>
/// <item>Thresholds, training length and schedule belong to the training protocol (see the method's
/// <c>DefaultTraining</c> and LabelFree.Workflows.Signals), where the deviations are named.</item>
/// </list>
/// </summary>
public sealed record AnomalyTransformerConfig : IAssociationConfig<AnomalyTransformerConfig>
{
    public SignalInput Input { get; init; } = SignalInput.Identity();
    public int Window { get; init; } = 100;
    public int Hidden { get; init; } = 64;
    public int Heads { get; init; } = 4;
    public int Layers { get; init; } = 3;
    public int FeedForward { get; init; } = 64;
    public double Dropout { get; init; }

    /// <summary>The minimax weight of the association discrepancy (the reference's k).</summary>
    public double K { get; init; } = 3;

    /// <summary>Multiplies the discrepancy before the softmax of the anomaly score (the reference's temperature).</summary>
    public double Temperature { get; init; } = 50;

    /// <summary>Attend only to earlier points (false in the Anomaly Transformer; MAAT's reference masks causally).</summary>
    public bool CausalAttention { get; init; }

    /// <summary>The published sizes: width 512, 8 heads, 3 layers, MLP 512, dropout 0, window 100.</summary>
    public static AnomalyTransformerConfig Paper(SignalInput input) => new()
    {
        Input = input,
        Window = 100,
        Hidden = 512,
        Heads = 8,
        Layers = 3,
        FeedForward = 512,
        Dropout = 0,
    };

    public AnomalyTransformerConfig Architecture() => this;

    public AnomalyTransformerConfig Validate()
    {
        Input.Validate();
        if (Window < 2) throw new SettingException("window", $"expected at least 2 samples, got {Window}");
        if (Hidden < 1 || Heads < 1 || Hidden % Heads != 0)
            throw new SettingException("hidden", $"expected a positive multiple of the {Heads} heads, got {Hidden}");
        if (Layers < 1) throw new SettingException("layers", $"expected at least 1, got {Layers}");
        if (FeedForward < 1) throw new SettingException("feed_forward", $"expected at least 1, got {FeedForward}");
        if (Dropout is < 0 or >= 1) throw new SettingException("dropout", $"expected a number in [0, 1), got {Dropout}");
        if (!(K >= 0 && double.IsFinite(K))) throw new SettingException("k", $"expected zero or more, got {K}");
        if (!(Temperature > 0 && double.IsFinite(Temperature))) throw new SettingException("temperature", $"expected a positive number, got {Temperature}");
        return this;
    }
}
