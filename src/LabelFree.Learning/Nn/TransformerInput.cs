using static TorchSharp.torch;

namespace LabelFree.Learning.Nn;

/// <summary>Which attention probabilities a forward pass returns (each (B, heads, T, T)); recording them uses the explicit attention path.</summary>
public enum AttentionRecording
{
    None,
    LastLayer,
    AllLayers,
}

/// <summary>
/// One batch for <see cref="TransformerEncoder"/>. Give <see cref="TokenIds"/> (B, T) int64, or
/// <see cref="InputEmbeddings"/> (B, T, H), or both (summed). <see cref="AttentionMask"/> (B, T) is true (or 1) at
/// real tokens and false at padding; null means no padding. <see cref="PositionIds"/> (T) or (B, T) replaces
/// 0..T-1 (BEHRT numbers positions by visit). <see cref="ExtraIds"/> holds one (B, T) int64 tensor per
/// <see cref="TransformerConfig.ExtraEmbeddings"/> entry, in order.
/// </summary>
public sealed record TransformerInput(
    Tensor? TokenIds = null,
    Tensor? AttentionMask = null,
    Tensor? InputEmbeddings = null,
    Tensor? PositionIds = null,
    IReadOnlyList<Tensor>? ExtraIds = null,
    AttentionRecording RecordAttention = AttentionRecording.None,
    bool RecordHiddenStates = false);

/// <summary>
/// The encoder's output: <see cref="Hidden"/> (B, T, H) after the last block (and the final LayerNorm of a pre-norm
/// stack); <see cref="Attentions"/> the recorded attention probabilities, first layer first (empty when none were asked
/// for); <see cref="HiddenStates"/> the embedding output and each block's output, when asked for.
/// </summary>
public sealed record TransformerOutput(Tensor Hidden, IReadOnlyList<Tensor> Attentions, IReadOnlyList<Tensor> HiddenStates);
