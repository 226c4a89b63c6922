using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Torch;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Core.Tests.Models;

public class ModelFolderTests
{
    private sealed record TinyConfig(int Hidden = 8, double Dropout = 0.1);

    [Fact]
    public void Saves_config_weights_and_meta_and_rebuilds_the_network_from_them()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        var config = new TinyConfig(Hidden: 5);
        using var original = nn.Sequential(nn.Linear(3, config.Hidden), nn.BatchNorm1d(config.Hidden));
        ModelFolder.Save(folder.Path, "tiny", config, original, seed: 42, step: 17);

        var read = ModelFolder.ReadConfig<TinyConfig>(folder.Path, "tiny");
        using var rebuilt = nn.Sequential(nn.Linear(3, read.Hidden), nn.BatchNorm1d(read.Hidden));
        ModelFolder.LoadWeights(folder.Path, rebuilt);
        var meta = ModelFolder.ReadMeta(folder.Path);

        Assert.Equal(config, read);
        foreach (var (name, tensor) in original.state_dict())
            Assert.True(tensor.equal(rebuilt.state_dict()[name]).all().item<bool>(), name);
        Assert.Equal(("tiny", 42L, 17L), (meta.Method, meta.Seed, meta.Step));
        Assert.Equal(TorchRuntime.LibTorchVersion, meta.LibTorchVersion);
        Assert.Contains("\"method\": \"tiny\"", File.ReadAllText(Path.Combine(folder.Path, "config.json")));
    }

    [Fact]
    public void Loading_a_model_of_another_method_or_shape_is_a_user_error()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        using var network = nn.Linear(3, 4);
        ModelFolder.Save(folder.Path, "tiny", new TinyConfig(), network, seed: 1, step: 1);

        Assert.Contains("expected 'other'", Assert.Throws<UserInputException>(() => ModelFolder.ReadConfig<TinyConfig>(folder.Path, "other")).Message);
        using var wrong = nn.Linear(3, 5);
        Assert.Contains("has shape [4,3]", Assert.Throws<UserInputException>(() => ModelFolder.LoadWeights(folder.Path, wrong)).Message);
        Assert.Contains("model folder not found", Assert.Throws<UserInputException>(() => ModelFolder.ReadConfig<TinyConfig>(folder["missing"], "tiny")).Message);
    }
}
