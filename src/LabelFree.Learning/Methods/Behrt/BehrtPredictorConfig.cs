using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>What a fine-tuned BEHRT predicts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BehrtTask>))]
public enum BehrtTask
{
    /// <summary>The codes of the next visit, one sigmoid output per code (BEHRT's next-visit task).</summary>
    NextVisit,

    /// <summary>One named outcome within a horizon after a landmark, one sigmoid output.</summary>
    Outcome,
}

/// <summary>
/// BEHRT fine-tuned for prediction (the reference's BertForMultiLabelPrediction and task/NextXVisit.ipynb): the
/// encoder of <see cref="Encoder"/>, BERT's pooler on [CLS], dropout and one logit per label, trained with the mean
/// binary cross-entropy over labels (PyTorch's MultiLabelSoftMarginLoss). Starting from a pre-trained encoder
/// (<see cref="BehrtPredictor.FromPretrained"/>) or from scratch (<see cref="MethodModel{TSelf,TConfig,TNet,TBatch}.Create"/>).
/// </summary>
public sealed record BehrtPredictorConfig : IMethodConfig<BehrtPredictorConfig>
{
    public BehrtConfig Encoder { get; init; } = new();
    public BehrtTask Task { get; init; } = BehrtTask.Outcome;

    /// <summary>One name per output: the codes of the next visit, or the outcome's description.</summary>
    public EquatableArray<string> Labels { get; init; } = [];

    public BehrtPredictorConfig Validate()
    {
        Encoder.Validate();
        if (Labels.Length == 0) throw new UserInputException("behrt predictor labels: expected one or more outputs, got none");
        if (Task == BehrtTask.Outcome && Labels.Length != 1) throw new UserInputException($"behrt predictor labels: an outcome has one output, got {Labels.Length}");
        return this;
    }
}
