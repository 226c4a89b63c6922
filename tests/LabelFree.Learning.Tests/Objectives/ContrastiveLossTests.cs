using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Objectives;

public class ContrastiveLossTests
{
    [Fact]
    public void Nt_xent_matches_its_definition_and_is_low_for_matching_pairs()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        var b = tensor(new float[] { 1, 0.2f, -0.3f, 1 }, [2, 2]);
        var z = nn.functional.normalize(cat([a, b], 0), dim: 1).data<float>().ToArray();
        double Dot(int i, int j) => z[2 * i] * z[2 * j] + z[2 * i + 1] * z[2 * j + 1];
        const double t = 0.5;
        double expected = 0;
        int[] partner = [2, 3, 0, 1];
        for (var i = 0; i < 4; i++)
        {
            var others = Enumerable.Range(0, 4).Where(j => j != i).Sum(j => Math.Exp(Dot(i, j) / t));
            expected += -Math.Log(Math.Exp(Dot(i, partner[i]) / t) / others) / 4;
        }
        Assert.Equal(expected, ContrastiveLosses.NtXent(a, b, t).item<float>(), 5);
        Assert.True(ContrastiveLosses.NtXent(a, a, 0.1).item<float>() < ContrastiveLosses.NtXent(a, a.flip(0), 0.1).item<float>());
    }

    [Fact]
    public void Dino_loss_skips_a_view_matched_with_itself_and_a_sharp_teacher_gives_cross_entropy()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var teacher = new[] { tensor(new float[] { 10, 0, 0 }, [1, 3]), tensor(new float[] { 0, 10, 0 }, [1, 3]) };
        var student = new[] { tensor(new float[] { 0, 1, 0 }, [1, 3]), tensor(new float[] { 1, 0, 0 }, [1, 3]) };
        var loss = ContrastiveLosses.Dino(student, teacher, zeros(1, 3), 1.0, 0.01).item<float>();
        // teacher 0 (class 0) against student 1, teacher 1 (class 1) against student 0: both -log softmax([1,0,0])[0]
        var expected = -Math.Log(Math.E / (Math.E + 2));
        Assert.Equal(expected, loss, 4);
    }

    [Fact]
    public void Cross_modal_nt_xent_is_symmetric_in_the_two_modalities()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(1);
        var a = randn(5, 4);
        var b = randn(5, 4);
        Assert.Equal(ContrastiveLosses.CrossModalNtXent(a, b, 0.1).item<float>(), ContrastiveLosses.CrossModalNtXent(b, a, 0.1).item<float>(), 5);
    }
}
