using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace LabelFree.Core.Models;

/// <summary>
/// A saved model: <c>config.json</c> (the method name and its config record, enough to rebuild the network),
/// <c>model.safetensors</c> (parameters and buffers by their state-dict names) and <c>meta.json</c> (versions, seed,
/// step). A method's <c>Load</c> rebuilds its network from the config and fills it from the weights; no training code
/// is needed.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string MetaFile = "meta.json";

    public static string LabelFreeVersion =>
        typeof(ModelFolder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>Writes the folder; an existing model there is replaced only once the new one is complete.</summary>
    public static void Save<TConfig>(string folder, string method, TConfig config, nn.Module network, long seed, long step)
    {
        var full = Path.GetFullPath(folder);
        var staging = full.TrimEnd(Path.DirectorySeparatorChar) + $".saving-{Environment.ProcessId}";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);

        var configNode = JsonSerializer.SerializeToNode(config, Json.Options)!.AsObject();
        var document = new JsonObject { ["method"] = method };
        foreach (var (key, value) in configNode.ToList())
        {
            configNode.Remove(key);
            document[key] = value;
        }
        AtomicFile.WriteAllText(Path.Combine(staging, ConfigFile), document.ToJsonString(Json.Options) + "\n");
        Safetensors.Save(Path.Combine(staging, WeightsFile), network.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["method"] = method });
        var meta = new ModelMeta(method, LabelFreeVersion, TorchRuntime.TorchSharpVersion, TorchRuntime.LibTorchVersion, seed, step, DateTimeOffset.UtcNow);
        Json.Write(Path.Combine(staging, MetaFile), meta);

        if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
        Directory.Move(staging, full);
    }

    /// <summary>Reads the config record; the folder must hold a model of <paramref name="method"/>.</summary>
    public static TConfig ReadConfig<TConfig>(string folder, string method)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model folder not found");
        var path = Path.Combine(folder, ConfigFile);
        UserInputException.RequireFile(path, "model config");
        JsonObject document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new UserInputException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not valid JSON ({e.Message})", e);
        }
        var found = document["method"]?.GetValue<string>();
        if (found != method) throw new UserInputException($"{path}: this is a '{found ?? "unknown"}' model, expected '{method}'");
        try
        {
            return document.Deserialize<TConfig>(Json.Options) ?? throw new UserInputException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: config does not match {typeof(TConfig).Name} ({e.Message})", e);
        }
    }

    public static ModelMeta ReadMeta(string folder) => Json.Read<ModelMeta>(Path.Combine(folder, MetaFile));

    /// <summary>A new network with initial weights drawn after seeding LibTorch with <paramref name="seed"/>, on <paramref name="device"/>.</summary>
    public static TNet NewNetwork<TNet>(Func<TNet> build, long seed, Device device) where TNet : nn.Module
    {
        manual_seed(seed);
        var network = build();
        network.to(device);
        return network;
    }

    /// <summary>
    /// A saved model's config (checked by <paramref name="validate"/>) and its network rebuilt by <paramref name="build"/>,
    /// filled from the folder's weights, on <paramref name="device"/>: every method's <c>Load</c>.
    /// </summary>
    public static (TConfig Config, TNet Network) Load<TConfig, TNet>(string folder, string method, Func<TConfig, TConfig> validate,
        Func<TConfig, TNet> build, Device device) where TNet : nn.Module
    {
        var config = validate(ReadConfig<TConfig>(folder, method));
        var network = build(config);
        LoadWeights(folder, network);
        network.to(device);
        return (config, network);
    }

    /// <summary>Fills <paramref name="network"/> from the folder's weights; names and shapes must match exactly.</summary>
    public static void LoadWeights(string folder, nn.Module network)
    {
        var path = Path.Combine(folder, WeightsFile);
        var loaded = Safetensors.Load(path);
        try
        {
            LoadStateDict(network, loaded, path);
        }
        finally
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
        }
    }

    /// <summary>Copies <paramref name="state"/> into <paramref name="network"/>'s parameters and buffers, checking names and shapes.</summary>
    public static void LoadStateDict(nn.Module network, IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var expected = network.state_dict();
        var missing = expected.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new UserInputException($"{source}: weights do not fit this network (missing: {string.Join(", ", missing.Take(3))}; unexpected: {string.Join(", ", unexpected.Take(3))})");
        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
        {
            var value = state[name];
            if (!value.shape.SequenceEqual(target.shape))
                throw new UserInputException($"{source}: {name} has shape [{string.Join(",", value.shape)}], the network expects [{string.Join(",", target.shape)}]");
            target.copy_(value);
        }
    }
}
