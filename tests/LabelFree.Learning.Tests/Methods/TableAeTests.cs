using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.TableAe;
using LabelFree.TestKit;

namespace LabelFree.Learning.Tests.Methods;

public class TableAeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Learns_a_table_with_two_hidden_factors_far_better_than_its_column_means(bool variational)
    {
        // 240 people, 12 columns on very different scales, driven by 2 factors plus a little noise.
        var rng = Rng.For(11, "table");
        var loadings = Enumerable.Range(0, 12).Select(_ => new[] { rng.NextGaussian(), rng.NextGaussian() }).ToArray();
        var rows = Enumerable.Range(0, 240).Select(_ =>
        {
            var (a, b) = (rng.NextGaussian(), rng.NextGaussian());
            return loadings.Select((l, j) => (float)((j + 1) * 10 + (j + 1) * (l[0] * a + l[1] * b + 0.05 * rng.NextGaussian()))).ToArray();
        }).ToArray();
        using var model = TableAe.Create(new TableAeConfig { Inputs = 12, Hidden = [32], Latent = 2, Variational = variational, KlWeight = 0.01 }, seed: 1, TestTorch.Cpu);
        model.Fit(rows, new TrainingRun(TableAe.DefaultTraining(1, epochs: 60)));

        var (mean, sd) = TableAe.ColumnMoments(rows);
        var reconstruction = model.Reconstruct(rows);
        var error = rows.Select((row, i) => row.Select((v, j) => Math.Pow((reconstruction[i, j] - v) / sd[j], 2)).Average()).Average();
        Assert.True(error < 0.15, $"standardised reconstruction error {error:F3}; the column means score 1");

        var latents = model.Embed(rows);
        Assert.Equal((240, 2), (latents.GetLength(0), latents.GetLength(1)));
        var decoded = model.Decode(latents);
        Assert.Equal(reconstruction[5, 7], decoded[5, 7], 3);
    }

    [Fact]
    public void Bad_settings_and_tables_name_the_problem()
    {
        Assert.Contains("table-ae latent", Assert.Throws<UserInputException>(() => new TableAeConfig { Inputs = 3, Latent = 0 }.Validate()).Message);
        using var model = TableAe.Create(new TableAeConfig { Inputs = 3, Hidden = [4], Latent = 2 }, seed: 1, TestTorch.Cpu);
        Assert.Contains("trained on 3", Assert.Throws<UserInputException>(() => model.Embed([[1f, 2f]])).Message);
        Assert.Contains("non-finite", Assert.Throws<UserInputException>(() => model.Embed([[1f, float.NaN, 2f]])).Message);
    }
}
