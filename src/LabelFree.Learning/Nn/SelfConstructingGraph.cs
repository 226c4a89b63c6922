using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// Self-constructing graph (Liu et al., MSCG-Net 2020; used at MICDIR's bottleneck): every bottleneck voxel is a node;
/// a variational embedding Z (mean from a 3^d convolution, log std from a 1^d convolution) builds the adjacency
/// A = ReLU(Z Z^T) + gamma * I with gamma = sqrt(1 + 1 / mean(diag)), and two graph convolutions on the symmetric
/// normalised adjacency refine the node features, added back to the bottleneck. Its loss: KL(Z || N(0, 1)) minus a
/// diagonal log-likelihood term that keeps self-loops strong.
/// </summary>
public sealed class SelfConstructingGraph : Module<Tensor, (Tensor Features, Tensor Loss)>
{
    private readonly Module<Tensor, Tensor> _mean;
    private readonly Module<Tensor, Tensor> _logStd;
    private readonly Module<Tensor, Tensor> _gcn1;
    private readonly Module<Tensor, Tensor> _gcn2;

    public SelfConstructingGraph(int dims, int channels, int hidden) : base(nameof(SelfConstructingGraph))
    {
        _mean = RegistrationUnet.Conv(dims, channels, hidden, 3);
        _logStd = RegistrationUnet.Conv(dims, channels, hidden, 1);
        _gcn1 = Linear(channels, channels);
        _gcn2 = Linear(channels, channels);
        RegisterComponents();
    }

    /// <summary>(B, C, *s) bottleneck -> refined (B, C, *s) and the graph loss (scalar).</summary>
    public override (Tensor Features, Tensor Loss) forward(Tensor x)
    {
        var batch = x.shape[0];
        var channels = x.shape[1];
        var mean = _mean.call(x).flatten(2).transpose(1, 2);     // (B, N, h)
        var logStd = _logStd.call(x).flatten(2).transpose(1, 2); // (B, N, h)
        var z = training ? mean + logStd.exp() * randn_like(mean) : mean;
        var adjacency = functional.relu(z.bmm(z.transpose(1, 2)));  // (B, N, N)
        var nodes = adjacency.shape[1];
        var diagonal = adjacency.diagonal(0, 1, 2);                   // (B, N)
        var gamma = (1 + 1 / (diagonal.mean([1], keepdim: true) + 1e-7)).sqrt().unsqueeze(-1);  // (B, 1, 1)
        var identity = eye(nodes, dtype: x.dtype, device: x.device).unsqueeze(0);                // (1, N, N)
        adjacency = adjacency + gamma * identity;

        var kl = -0.5 / nodes * (1 + 2 * logStd - mean.pow(2) - (2 * logStd).exp()).sum(-1).mean();
        var weak = adjacency.diagonal(0, 1, 2).clamp(max: 1);
        var diagonalLogLikelihood = gamma.mean() * (weak + 1e-7).log().sum() / (batch * nodes * nodes);
        var loss = kl - diagonalLogLikelihood;

        var degree = adjacency.sum(-1).clamp_min(1e-7).pow(-0.5);                    // (B, N)
        var normalised = degree.unsqueeze(-1) * adjacency * degree.unsqueeze(-2);     // (B, N, N)
        var features = x.flatten(2).transpose(1, 2);                                  // (B, N, C)
        var refined = functional.relu(_gcn1.call(normalised.bmm(features)));
        refined = _gcn2.call(normalised.bmm(refined));                                // (B, N, C)
        var back = refined.transpose(1, 2).reshape(x.shape);                          // (B, C, *s)
        return (x + back, loss);
    }
}
