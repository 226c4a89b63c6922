using LabelFree.Analysis.Phenotypes;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.TableAe;
using LabelFree.Workflows.Runs;
using static TorchSharp.torch;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>How latent phenotypes are learnt: the training seeds (Ometto et al. merge several), the latent size, hidden widths, epochs (null: the method's default) and VAE or plain autoencoder.</summary>
public sealed record PhenotypeTrainSettings(int Seeds = 3, int Latent = 16, int[]? Hidden = null, int? Epochs = null, bool Variational = false)
{
    public PhenotypeTrainSettings Validate()
    {
        if (Seeds is < 1 or > 20) throw new SettingException("seeds", $"expected 1 to 20 training seeds, got {Seeds}");
        if (Latent is < 1 or > 512) throw new SettingException("latent", $"expected 1 to 512 latents, got {Latent}");
        if (Hidden is { } h && h.Any(w => w < 1)) throw new SettingException("hidden", "expected positive widths");
        if (Epochs is < 1) throw new SettingException("epochs", $"expected a positive number, got {Epochs}");
        return this;
    }
}

/// <summary>What a latent-phenotype model folder records (phenotypes.json): the method, the input kind and grid, and the seeds.</summary>
public sealed record PhenotypeModelRecord(string Method, string Input, bool Images, VolumeGrid? Grid, IReadOnlyList<string> Columns, IReadOnlyList<long> Seeds, int Latent);

/// <summary>What config.json of a training run holds.</summary>
public sealed record PhenotypeTrainRecord(string Input, PhenotypeTrainSettings Settings, TableAeConfig Model, TrainerOptions Training, int People);

/// <summary>
/// The front half of Ometto et al.'s protocol: the same model trained from several seeds on every person (the latents
/// are phenotypes, not predictions, so nobody is held out), each seed's latents of the people, and their merge
/// (<see cref="SeedMatching"/>: Hungarian matching on absolute correlation). A model folder holds phenotypes.json and
/// seed&lt;s&gt;/model per seed.
/// </summary>
public sealed class LatentModels : IDisposable
{
    public const string RecordFile = "phenotypes.json";

    private LatentModels(PhenotypeModelRecord record, IReadOnlyList<TableAe> models)
    {
        Record = record;
        Models = models;
    }

    public PhenotypeModelRecord Record { get; }

    public IReadOnlyList<TableAe> Models { get; }

    /// <summary>Trains one model per seed (run.Seed, run.Seed + 1, ...) into <c>run.Out</c>; the folder is made here, after the inputs were read.</summary>
    public static LatentModels Train(PhenotypeInput input, PhenotypeTrainSettings settings, RunSettings run, IProgressReporter progress, bool resume = false)
    {
        settings.Validate();
        var device = run.StartTorch();
        var config = new TableAeConfig
        {
            Inputs = input.Rows[0].Length, Latent = settings.Latent, Hidden = settings.Hidden ?? [128, 64], Variational = settings.Variational,
            InputNames = input.Grid is null ? [.. input.Columns] : [],
        }.Validate();
        var training = TableAe.DefaultTraining(run.Seed, settings.Epochs);
        RunFolder.Start(run.Out, "phenotypes train", run.Seed, run.DeviceName, new PhenotypeTrainRecord(input.Source, settings, config, training, input.People.Count));
        var seeds = Enumerable.Range(0, settings.Seeds).Select(s => run.Seed + s).ToArray();
        var models = new List<TableAe>();
        try
        {
            foreach (var seed in seeds)
            {
                progress.Info($"table-ae seed {seed}: {input.People.Count} people x {config.Inputs} values -> {config.Latent} latents, {training.Epochs} epochs");
                var folder = Path.Combine(run.Out, $"seed{seed}");
                var model = TableAe.Create(config, seed, device);
                models.Add(model);
                var result = model.Fit(input.Rows, new TrainingRun(training with { Seed = seed }, folder, progress, resume));
                model.Save(Path.Combine(folder, "model"), seed, result.Steps);
            }
        }
        catch
        {
            foreach (var m in models) m.Dispose();
            throw;
        }
        var record = new PhenotypeModelRecord(TableAe.MethodName, input.Source, input.Grid is not null, input.Grid, input.Columns, seeds, settings.Latent);
        Json.Write(Path.Combine(run.Out, RecordFile), record);
        return new LatentModels(record, models);
    }

    /// <summary>Loads every seed's model of a folder written by <see cref="Train"/>.</summary>
    public static LatentModels Load(string folder, Device device)
    {
        var path = Path.Combine(folder, RecordFile);
        UserInputException.RequireFile(path, "latent-phenotype model record (phenotypes.json; give the folder that phenotypes train wrote)");
        var record = Json.Read<PhenotypeModelRecord>(path);
        var models = record.Seeds.Select(s => TableAe.Load(Path.Combine(folder, $"seed{s}", "model"), device)).ToArray();
        return new LatentModels(record, models);
    }

    /// <summary>Each seed's latents of the people of <paramref name="input"/>, matched and merged across seeds.</summary>
    public MatchedLatents Embed(PhenotypeInput input)
    {
        if (Record.Images != (input.Grid is not null))
            throw new UserInputException($"{input.Source}: the model was trained on {(Record.Images ? "images" : "a table")}; give the same kind of input");
        if (!Record.Images && !Record.Columns.SequenceEqual(input.Columns))
            throw new UserInputException($"{input.Source}: its columns differ from the {Record.Columns.Count} columns the model was trained on");
        var perSeed = Models.Select(m => ToDouble(m.Embed(input.Rows))).ToArray();
        return SeedMatching.Merge(perSeed);
    }

    public void Dispose()
    {
        foreach (var m in Models) m.Dispose();
    }

    private static double[,] ToDouble(float[,] values)
    {
        var result = new double[values.GetLength(0), values.GetLength(1)];
        for (var i = 0; i < values.GetLength(0); i++)
            for (var j = 0; j < values.GetLength(1); j++) result[i, j] = values[i, j];
        return result;
    }
}
