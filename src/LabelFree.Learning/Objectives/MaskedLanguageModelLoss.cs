using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Objectives;

/// <summary>The masked-language-model objective: mean cross-entropy over chosen tokens, and how many the argmax got right.</summary>
public static class MaskedLanguageModelLoss
{
    /// <summary>Logits (B, T, V) and labels (B, T) with -100 where nothing is predicted -> scalar mean cross-entropy (nats).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) =>
        functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: TokenMasking.Ignore);  // (B*T, V) vs (B*T)

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
