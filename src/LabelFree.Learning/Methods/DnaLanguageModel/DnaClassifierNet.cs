using LabelFree.Learning.Nn;
using Dropout = TorchSharp.Modules.Dropout;
using Linear = TorchSharp.Modules.Linear;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>The classifier's modules: the encoder, BERT's pooler (dense + tanh on [CLS]), dropout and the class layer.</summary>
public sealed class DnaClassifierNet : Module
{
    private readonly TransformerEncoder _encoder;
    private readonly Linear _pooler;
    private readonly Dropout _dropout;
    private readonly Linear _classifier;

    public DnaClassifierNet(DnaClassifierConfig config) : base(nameof(DnaClassifierNet))
    {
        _encoder = new TransformerEncoder(config.Encoder);
        _pooler = Linear(config.Encoder.Hidden, config.Encoder.Hidden);
        _dropout = Dropout(config.Dropout);
        _classifier = Linear(config.Encoder.Hidden, config.Classes.Length);
        using (no_grad())
        {
            foreach (var linear in new[] { _pooler, _classifier })
            {
                init.normal_(linear.weight, 0, config.Encoder.InitializerRange);
                init.zeros_(linear.bias!);
            }
        }
        RegisterComponents();
    }

    public TransformerEncoder Encoder => _encoder;

    /// <summary>Class logits: ids and attention mask (B, T) -> (B, classes).</summary>
    public Tensor Logits(Tensor ids, Tensor attentionMask)
    {
        var hidden = _encoder.call(new TransformerInput(ids, attentionMask)).Hidden;     // (B, T, H)
        var pooled = _pooler.call(hidden[TensorIndex.Colon, 0]).tanh();                 // (B, H)
        return _classifier.call(_dropout.call(pooled));                                 // (B, C)
    }
}
