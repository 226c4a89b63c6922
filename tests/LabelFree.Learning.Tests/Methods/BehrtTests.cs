using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.TestKit;

namespace LabelFree.Learning.Tests.Methods;

/// <summary>A toy vocabulary and random patient sentences for BEHRT's unit and contract tests.</summary>
public static class BehrtToy
{
    public static readonly EhrVocabulary Vocabulary = new([.. EhrVocabulary.SpecialTokens, "sex:F", "sex:M", .. Enumerable.Range(0, 12).Select(i => $"c{i}")], []);

    public static readonly BehrtConfig Config = new() { Vocabulary = Vocabulary, Hidden = 16, Layers = 1, Heads = 2, Intermediate = 32, MaxLength = 24 };

    /// <summary>Sentences of 1 to 5 visits of 1 to 3 codes; code c0 in a sentence makes its target 1.</summary>
    public static (List<BehrtSequence> Sentences, List<float[]> Targets) Sentences(int count, long seed)
    {
        var rng = Rng.For(seed, "behrt-toy");
        var sentences = new List<BehrtSequence>();
        var targets = new List<float[]>();
        for (var i = 0; i < count; i++)
        {
            var (tokens, ages, segments, positions) = (new List<int> { EhrVocabulary.Cls, 5 + rng.NextInt(2) }, new List<int>(), new List<int> { 0, 0 }, new List<int> { 0, 0 });
            var age = 300 + rng.NextInt(400);
            ages.AddRange([age, age]);
            var visits = 1 + rng.NextInt(5);
            for (var v = 0; v < visits; v++)
            {
                foreach (var token in Enumerable.Range(0, 1 + rng.NextInt(3)).Select(_ => 7 + rng.NextInt(12)).Append(EhrVocabulary.Sep))
                {
                    tokens.Add(token);
                    ages.Add(age + 6 * v);
                    segments.Add(v % 2);
                    positions.Add(v);
                }
            }
            sentences.Add(new BehrtSequence([.. tokens], [.. ages], [.. segments], [.. positions]));
            targets.Add([tokens.Contains(7) ? 1 : 0]);
        }
        return (sentences, targets);
    }
}

public class BehrtTests
{
    private static int Day(string date) => DateOnly.Parse(date).DayNumber - new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>One patient born 2000-01-01 with visits on three days; codes a, b, c; a value of x.</summary>
    private static (EhrCohort Cohort, EhrTokens Tokens) ThreeVisits()
    {
        EhrEvent[] events =
        [
            new(Day("2010-01-01"), 0, float.NaN), new(Day("2010-01-01"), 1, float.NaN),
            new(Day("2010-07-01"), 2, float.NaN),
            new(Day("2011-01-01"), 0, float.NaN), new(Day("2011-01-01"), 3, 5f),
        ];
        var cohort = new EhrCohort("e", "p", EhrTimeScale.Date, [new EhrPatient("P1", "F", Day("2000-01-01"), Day("2012-01-01"), false)],
            ["a", "b", "c", "x"], events, [0, events.Length]);
        var vocabulary = EhrVocabulary.Fit(cohort, [0], new EhrVocabularyOptions(Bins: 2, MinCount: 1));
        return (cohort, vocabulary.For(cohort));
    }

    [Fact]
    public void A_sentence_is_cls_sex_then_visits_each_closed_by_sep_with_ages_segments_and_visit_positions()
    {
        var (cohort, tokens) = ThreeVisits();
        var sentence = BehrtSequence.Build(cohort, tokens, 0, int.MaxValue, maxLength: 64, maxAgeMonths: 1320);
        var names = sentence.Tokens.Select(t => tokens.Vocabulary.Tokens[t]).ToArray();
        Assert.Equal(["[CLS]", "sex:F", "a", "b", "[SEP]", "c", "[SEP]", "a", "x:q1", "[SEP]"], names);
        Assert.Equal([121, 121, 121, 121, 121, 126, 126, 133, 133, 133], sentence.Ages);  // months since birth + 1 (0 is padding)
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 0, 0, 0], sentence.Segments);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 2, 2, 2], sentence.Positions);
    }

    [Fact]
    public void Long_histories_keep_the_most_recent_whole_visits_and_history_stops_at_the_last_day()
    {
        var (cohort, tokens) = ThreeVisits();
        var recent = BehrtSequence.Build(cohort, tokens, 0, int.MaxValue, maxLength: 7, maxAgeMonths: 1320);
        Assert.Equal(["[CLS]", "sex:F", "c", "[SEP]", "a", "x:q1", "[SEP]"], recent.Tokens.Select(t => tokens.Vocabulary.Tokens[t]));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], recent.Positions);
        Assert.Equal([126, 126, 126, 126, 133, 133, 133], recent.Ages);
        var lastOnly = BehrtSequence.Build(cohort, tokens, 0, int.MaxValue, maxLength: 4, maxAgeMonths: 1320);
        Assert.Equal(["[CLS]", "sex:F", "x:q1", "[SEP]"], lastOnly.Tokens.Select(t => tokens.Vocabulary.Tokens[t]));
        var before = BehrtSequence.Build(cohort, tokens, 0, Day("2010-12-31"), maxLength: 64, maxAgeMonths: 1320);
        Assert.Equal(["[CLS]", "sex:F", "a", "b", "[SEP]", "c", "[SEP]"], before.Tokens.Select(t => tokens.Vocabulary.Tokens[t]));
        var empty = BehrtSequence.Build(cohort, tokens, 0, Day("2009-12-31"), maxLength: 64, maxAgeMonths: 100);
        Assert.Equal([EhrVocabulary.Cls, tokens.Sex(0)], empty.Tokens);
        Assert.Equal([101, 101], empty.Ages);  // 119 months clamped to the 100 the model knows
    }

    [Fact]
    public void Batches_pad_to_the_longest_sentence_and_mask_only_ordinary_tokens()
    {
        var (sentences, targets) = BehrtToy.Sentences(40, seed: 2);
        using var model = Behrt.Create(BehrtToy.Config, 1, TestTorch.Cpu);
        var batch = new BehrtBatches(sentences, TestTorch.Cpu, model.Masking, targets).Load(Enumerable.Range(0, 40).ToArray(), new Rng(9));
        var longest = sentences.Max(s => s.Length);
        Assert.Equal([40L, longest], batch.Tokens.shape);
        Assert.Equal(sentences.Sum(s => s.Length), batch.Keep.sum().item<long>());
        var labels = batch.MaskedLabels!.data<long>().ToArray();
        var original = sentences.SelectMany(s => s.Tokens.Concat(Enumerable.Repeat(0, longest - s.Length))).ToArray();
        var chosen = Enumerable.Range(0, labels.Length).Where(i => labels[i] != -100).ToArray();
        Assert.NotEmpty(chosen);
        Assert.All(chosen, i => Assert.Equal(original[i], labels[i]));
        Assert.All(chosen, i => Assert.True(original[i] >= EhrVocabulary.SpecialTokens.Length, "a special token was masked"));
        Assert.Equal([40L, 1], batch.Targets!.shape);
    }

    [Fact]
    public void A_batch_with_no_masked_token_has_a_zero_loss_not_nan()
    {
        var (sentences, _) = BehrtToy.Sentences(2, seed: 6);
        using var model = Behrt.Create(BehrtToy.Config, 1, TestTorch.Cpu);
        var batch = new BehrtBatches(sentences, TestTorch.Cpu).Load([0, 1], new Rng(1));
        var unmasked = batch with { MaskedLabels = TorchSharp.torch.full_like(batch.Tokens, -100) };
        Assert.Equal(0f, model.Loss(unmasked, new TrainingStep(0, 0, 1, 1, TrainingPhase.Train, null)).Total.item<float>());
    }

    private const string Query = "_encoder._blocks.0._attention._query.weight";

    [Fact]
    public void Fine_tuning_starts_from_the_pretrained_encoder_and_learns_a_toy_rule()
    {
        var (sentences, targets) = BehrtToy.Sentences(256, seed: 3);
        using var pretrained = Behrt.Create(BehrtToy.Config, 1, TestTorch.Cpu);
        pretrained.Fit(sentences, null, new TrainingRun(Behrt.DefaultTraining(1) with { MaxSteps = 5, BatchSize = 32 }));
        var config = new BehrtPredictorConfig { Encoder = BehrtToy.Config, Labels = ["has c0"] };
        using var fromPretrained = BehrtPredictor.FromPretrained(pretrained, config, seed: 2, TestTorch.Cpu);
        using var scratch = BehrtPredictor.Create(config, seed: 2, TestTorch.Cpu);
        var a = fromPretrained.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var pre = pretrained.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(a[Query].eq(pre[Query]).all().item<bool>());
        Assert.False(a[Query].eq(scratch.Network.named_parameters().First(p => p.name == Query).parameter).all().item<bool>());

        var training = BehrtPredictor.DefaultTraining(1) with { MaxSteps = 80, BatchSize = 32, LearningRate = 1e-2, WarmupSteps = 10 };
        fromPretrained.Fit(sentences, targets, [], [], new TrainingRun(training));
        var (test, truth) = BehrtToy.Sentences(200, seed: 4);
        var predicted = fromPretrained.Predict(test);
        var positives = Enumerable.Range(0, 200).Where(i => truth[i][0] > 0).Select(i => predicted[i, 0]).ToArray();
        var negatives = Enumerable.Range(0, 200).Where(i => truth[i][0] == 0).Select(i => predicted[i, 0]).ToArray();
        var auroc = positives.Average(p => negatives.Average(n => p > n ? 1.0 : p == n ? 0.5 : 0));
        Assert.True(auroc > 0.9, $"AUROC {auroc} on the rule 'c0 in the history'");
    }
}
