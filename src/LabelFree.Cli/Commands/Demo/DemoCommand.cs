using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Core.Progress;
using LabelFree.Core.Torch;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Runs;

namespace LabelFree.Cli.Commands.Demo;

/// <summary><c>labelfree demo</c>: every pipeline that exists, on the bundled real data, into one report.html.</summary>
public static class DemoCommand
{
    public const string BrainAutoencoder = "brain-autoencoder";
    public const string Anomaly = "anomaly";
    public const string Gwas = "gwas";
    public const string Registration = "registration";
    public const string Cells = "cells";
    public const string Ehr = "ehr";
    public const string Dna = "dna";
    public const string Signals = "signals";
    public const string Ssl = "ssl";
    public const string Phenotypes = "phenotypes";

    /// <summary>The demo's pipelines, in the order they run.</summary>
    public static readonly string[] Pipelines = [BrainAutoencoder, Anomaly, Gwas, Registration, Cells, Ehr, Dna, Signals, Ssl, Phenotypes];

    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "A short run (a few minutes on 2 CPU cores)" };
        var run = new RunOptions(defaultOut: "demo-out");
        var resume = new Option<bool>("--resume") { Description = "Continue a killed demo run in --out from its last checkpoint" };
        var steps = new Option<long?>("--steps") { Description = "Override the number of training steps" }.Positive().Sets("max_steps");
        var only = new Option<string[]>("--only") { Description = $"Run only these pipelines ({string.Join(", ", Pipelines)})", AllowMultipleArgumentsPerToken = true };
        only.OneOf(Pipelines);

        var command = new Command("demo", "Run every LabelFree pipeline on the bundled real data and write report.html") { quick, resume, steps, only };
        run.AddTo(command);
        command.SetAction(result =>
        {
            var settings = run.Read(result);
            return Run(new DemoSettings(result.GetValue(quick), settings.Out, settings.Seed, settings.Device, settings.Threads, result.GetValue(resume),
                result.GetValue(steps), result.GetValue(only) ?? []), Console.Out, new ConsoleProgress());
        });
        return command;
    }

    public static int Run(DemoSettings settings, TextWriter output, IProgressReporter progress)
    {
        var torchDevice = TorchRuntime.Start(settings.Device, settings.Threads);
        Directory.CreateDirectory(settings.Out);
        var report = new HtmlReport("LabelFree demo");
        report.Paragraph("Every pipeline below ran on real data bundled with LabelFree (data/README.md lists each file's origin and licence). " +
                         (settings.Quick ? "This is a --quick run: short training, for a first look." : "Full-length run."));

        if (settings.Runs(BrainAutoencoder))
        {
            var brain = BrainAutoencoderPipeline.Run(settings, torchDevice, report, progress);
            output.WriteLine($"brain autoencoder: {brain.Steps} steps, validation MSE {brain.ValidationMse:G4}, PSNR {brain.MeanPsnr:F1} dB, SSIM {brain.MeanSsim:F3}");
        }
        if (settings.Runs(Anomaly))
        {
            var anomaly = AnomalyPipeline.Run(settings, report, progress);
            output.WriteLine($"anomaly detection (StRegA): {anomaly.Cases} unseen brains with synthetic lesions, Dice {anomaly.Dice.Mean:F3}, AUROC {anomaly.Auroc.Mean:F3}, AP {anomaly.AveragePrecision.Mean:F3}");
        }
        if (settings.Runs(Gwas))
        {
            var gwas = GwasPipeline.Run(settings, report, progress);
            output.WriteLine($"cis-eQTL scan: {gwas.Genes} genes, {gwas.Loci} independent loci ({gwas.CisLoci} cis), median lambda_GC {gwas.MedianLambda:F3}");
        }
        if (settings.Runs(Registration))
        {
            var cases = RegistrationPipeline.Run(settings, torchDevice, report, progress);
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"registration (VoxelMorph): {cases.Count} held-out pairs, mean Dice affine {cases.Average(c => c.DiceAffine):F3} -> affine + VoxelMorph {cases.Average(c => c.DiceVoxelMorph):F3} -> refined {cases.Average(c => c.DiceRefined):F3}, folding {100 * cases.Average(c => c.FoldingFraction):F4}%"));
        }
        if (settings.Runs(Cells))
        {
            var cells = CellsPipeline.Run(settings, report, progress);
            var (scvi, pca) = (cells.Simulated.Scvi, cells.Simulated.BaselinePca);
            output.WriteLine($"single cells (scVI): PBMC {cells.PbmcClusters} and Visium {cells.VisiumClusters} Leiden clusters; simulated 2 batches: " +
                             $"ARI {scvi.AriLeiden:F3} (PCA {pca.AriLeiden:F3}), batch mixing {scvi.BatchEntropy:F3} (PCA {pca.BatchEntropy:F3})");
        }
        if (settings.Runs(Ehr))
        {
            var ehr = EhrPipeline.Run(settings, report, progress);
            var models = string.Join(", ", ehr.Prediction.Models.Select(m => FormattableString.Invariant($"{m.Model} {m.Auroc.Value:F3} [{m.Auroc.Lower:F3}, {m.Auroc.Upper:F3}]")));
            output.WriteLine(FormattableString.Invariant($"health records (BEHRT): {ehr.Prediction.Patients.Test} held-out NAFLD patients, heart failure or death in 5 years, AUROC {models}; {ehr.Subtypes.Subtypes.Count} subtypes, log-rank P {ehr.Subtypes.KmeansLogRank.P:G3}"));
        }
        if (settings.Runs(Dna))
        {
            var dna = DnaPipeline.Run(settings, report, progress);
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"dna (Nucleotide Transformer): held-out {dna.HeldOut.ModelBits:F3} bits/nt, Markov order {dna.HeldOut.MarkovOrder} {dna.HeldOut.MarkovCausalBits:F3} left to right, " +
                $"{dna.HeldOut.MarkovConditionalBits:F3} both sides; E. coli 5-fold accuracy fine-tuned {dna.EcoliFinetune.Scores["fine_tuned"].Accuracy:F3}, " +
                $"probe {dna.EcoliProbe.Scores["probe_mean"].Accuracy:F3}, k-mer baseline {dna.EcoliFinetune.Scores["kmer_baseline"].Accuracy:F3}; {dna.Significant} significant motifs"));
        }
        if (settings.Runs(Signals))
        {
            var signals = SignalsPipeline.Run(settings, report, progress);
            output.WriteLine("signals (Anomaly Transformer, MAAT): " + string.Join("; ", signals.Datasets.Select(d => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{d.Name}: AUROC {string.Join(", ", d.Detectors.Select(e => $"{e.Detector} {e.Scores.Auroc:F3}"))}, best AUROC {d.Best["auroc"]}"))));
        }
        if (settings.Runs(Ssl))
        {
            var ssl = SslPipeline.Run(settings, report, progress);
            var b = ssl.Probe.Scores.ToDictionary(s => s.Key, s => s.Value.BalancedAccuracy);
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ssl (SimCLR on brain patches): lobe probe, left -> right hemisphere, balanced accuracy linear {b["pretrained/linear"]:F3} (random weights {b["random_init/linear"]:F3}, " +
                $"PCA {b["pca_pixels/linear"]:F3}), k-NN {b["pretrained/knn"]:F3} ({b["random_init/knn"]:F3}, {b["pca_pixels/knn"]:F3})"));
        }
        if (settings.Runs(Phenotypes))
        {
            var phenotypes = PhenotypesPipeline.Run(settings, report, progress);
            var found = phenotypes.Simulation.Planted.Count(p => p.LatentFound);
            output.WriteLine(FormattableString.Invariant($"latent phenotypes: {found} of {phenotypes.Simulation.Planted.Count} planted loci found by {phenotypes.Simulation.Latents} merged latents of {phenotypes.Simulation.People} simulated brains ") +
                             FormattableString.Invariant($"(threshold {phenotypes.Simulation.StudyWideThreshold:G2}, {phenotypes.Simulation.FalseLoci} false loci)") +
                             (phenotypes.Expression is { } e ? $"; expression latents: {e.LatentLoci} loci, {e.LatentLociAtEqtl} on an eQTL locus" : ""));
        }

        var reportPath = Path.Combine(settings.Out, "report.html");
        report.Save(reportPath);
        output.WriteLine($"report: {reportPath}");
        return CommandLine.Ok;
    }
}

/// <summary>The demo's options, as parsed.</summary>
public sealed record DemoSettings(bool Quick, string Out, long Seed, ComputeDevice Device, int? Threads, bool Resume, long? Steps, IReadOnlyList<string> Only)
{
    /// <summary>Whether this run includes <paramref name="pipeline"/> (all do when --only is not given).</summary>
    public bool Runs(string pipeline) => Only.Count == 0 || Only.Contains(pipeline);

    /// <summary>The run settings of a pipeline writing into <paramref name="folder"/>.</summary>
    public RunSettings In(string folder) => new(folder, Seed, Device, Threads);
}
