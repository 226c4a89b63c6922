using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Objectives;

/// <summary>The masked-language-model objective: mean cross-entropy over chosen tokens, and how many the argmax got right.</summary>
public static class MaskedLanguageModelLoss
{
    /// <summary>Logits (B, T, V) and labels (B, T) with -100 where nothing is predicted (or (N, V) and (N)) -> scalar mean cross-entropy (nats).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) =>
        functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: TokenMasking.Ignore);  // (B*T, V) vs (B*T)

    /// <summary>
    /// The hidden states and labels of predicted tokens only: (B, T, H) and (B, T) -> (N, H) and (N). Running the MLM
    /// head on these instead of every token gives the same loss at about a sixth of the head's cost for 15% masking;
    /// with a 4,101-token vocabulary the head is most of a small model's step on CPU.
    /// </summary>
    public static (Tensor Hidden, Tensor Labels) Predicted(Tensor hidden, Tensor labels)
    {
        var chosen = labels.ne(TokenMasking.Ignore).reshape(-1).nonzero().squeeze(-1);           // (N)
        return (hidden.reshape(-1, hidden.shape[^1]).index_select(0, chosen),                    // (B*T, H) -> (N, H)
            labels.reshape(-1).index_select(0, chosen));                                         // (N)
    }

    /// <summary>The fraction of predicted tokens whose argmax is the label (NaN when none is predicted).</summary>
    public static double Accuracy(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var chosen = labels.ne(TokenMasking.Ignore);
        var total = chosen.sum().item<long>();
        if (total == 0) return double.NaN;
        var right = logits.argmax(-1).eq(labels).logical_and(chosen).sum().item<long>();
        return (double)right / total;
    }
}
