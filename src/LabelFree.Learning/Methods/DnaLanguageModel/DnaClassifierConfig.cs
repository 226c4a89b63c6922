using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>
/// A DNA language model fine-tuned to classify sequences (DNABERT's run_finetune.py, BertForSequenceClassification):
/// the pre-trained encoder, then BERT's pooler (a dense layer and tanh on the [CLS] state), dropout and a linear layer
/// to the classes. The encoder, tokenizer and class names are saved with the model.
/// <para>Dropout is DNABERT's fine-tuning setting for both tokenizers: hidden_dropout_prob and
/// attention_probs_dropout_prob 0.1 in the encoder (<see cref="DnaClassifier.FineTuningEncoder"/>; the NT v2
/// pre-trains without dropout) and <see cref="Dropout"/> 0.1 before the class layer.</para>
/// <para>Deviation: the Nucleotide Transformer's fine-tuning head (ESM's classification head) has one more dropout
/// before its dense layer; both tokenizers get BERT's head here.</para>
/// </summary>
public sealed record DnaClassifierConfig : IMethodConfig<DnaClassifierConfig>
{
    public required TransformerConfig Encoder { get; init; }

    public required TokenizerSpec Tokenizer { get; init; }

    /// <summary>Class names; predictions are probabilities over them in this order.</summary>
    public required EquatableArray<string> Classes { get; init; }

    /// <summary>DNABERT's fine-tuning dropout (run_finetune.py --hidden_dropout_prob 0.1, attention_probs_dropout_prob 0.1).</summary>
    public const double FineTuningDropout = 0.1;

    public double Dropout { get; init; } = FineTuningDropout;

    public DnaClassifierConfig Validate()
    {
        Encoder.Validate();
        Tokenizer.Validate();
        if (Encoder.VocabularySize != Tokenizer.Create().VocabularySize)
            throw new UserInputException($"dna classifier encoder.vocabulary_size: {Encoder.VocabularySize} does not match the tokenizer's {Tokenizer.Create().VocabularySize} tokens");
        if (Classes.Length < 2) throw new UserInputException($"dna classifier classes: expected at least 2 classes, got {Classes.Length}");
        if (Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Length)
            throw new UserInputException($"dna classifier classes: names must be distinct, got {string.Join(", ", Classes)}");
        if (Dropout is < 0 or >= 1) throw new UserInputException($"dna classifier dropout: expected a number in [0, 1), got {Dropout}");
        return this;
    }
}
