using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Objectives;

/// <summary>Contrastive objectives on L2-normalised embeddings.</summary>
public static class ContrastiveLosses
{
    /// <summary>
    /// SimCLR's NT-Xent (Chen et al. 2020, eq. 1): for 2N embeddings of N positive pairs, the cross-entropy of picking
    /// each one's partner among the other 2N - 1 by cosine similarity over <paramref name="temperature"/>, averaged
    /// over all 2N anchors. <paramref name="first"/> and <paramref name="second"/> are (N, d), row i of each a pair.
    /// </summary>
    public static Tensor NtXent(Tensor first, Tensor second, double temperature)
    {
        var n = first.shape[0];
        var z = functional.normalize(cat([first, second], 0), dim: 1);                            // (2N, d)
        var logits = z.matmul(z.t()) / temperature;                                               // (2N, 2N)
        var self = eye(2 * n, dtype: ScalarType.Bool, device: z.device);
        logits = logits.masked_fill(self, double.NegativeInfinity);
        var partner = cat([arange(n, 2 * n, device: z.device), arange(0, n, device: z.device)]);  // (2N)
        return functional.cross_entropy(logits, partner);
    }

    /// <summary>
    /// The symmetric cross-modal NT-Xent of ContIG (Taleb et al. 2022) and CLIP: row i of <paramref name="images"/>
    /// and of <paramref name="other"/> (each (N, d)) belong to one person; each image picks its partner among the N
    /// other-modality embeddings and each of those its image, by cosine similarity over <paramref name="temperature"/>;
    /// the mean of the two cross-entropies.
    /// </summary>
    public static Tensor CrossModalNtXent(Tensor images, Tensor other, double temperature)
    {
        var logits = functional.normalize(images, dim: 1).matmul(functional.normalize(other, dim: 1).t()) / temperature;  // (N, N)
        var targets = arange(images.shape[0], device: images.device);
        return (functional.cross_entropy(logits, targets) + functional.cross_entropy(logits.t(), targets)) / 2;
    }

    /// <summary>
    /// DINO's loss (Caron et al. 2021, eq. 2 and main_dino.py DINOLoss): for every pair of a teacher view (the global
    /// crops) and a different student view, the cross-entropy between the teacher's centred, sharpened distribution
    /// softmax((t - centre) / teacher temperature) and the student's log_softmax(s / student temperature), averaged over
    /// the batch and the pairs. Student view v and teacher view v are the same crop when v is below the teacher's count.
    /// </summary>
    public static Tensor Dino(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor centre, double studentTemperature, double teacherTemperature)
    {
        Tensor? total = null;
        var terms = 0;
        var targets = teacher.Select(t => functional.softmax((t.detach() - centre) / teacherTemperature, -1)).ToArray();  // each (B, K)
        var logProbabilities = student.Select(s => functional.log_softmax(s / studentTemperature, -1)).ToArray();          // each (B, K)
        for (var q = 0; q < targets.Length; q++)
            for (var v = 0; v < logProbabilities.Length; v++)
            {
                if (v == q) continue;
                var term = (-targets[q] * logProbabilities[v]).sum(-1).mean();
                total = total is null ? term : total + term;
                terms++;
            }
        return total! / terms;
    }
}
