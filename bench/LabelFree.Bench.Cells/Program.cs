// scVI benchmark driver: LabelFree.Bench.Cells CELLS GENES STEPS THREADS
// Simulates CELLS x GENES counts (2 batches, 5 cell types), builds scVI with scvi-tools' defaults (ZINB, 128 hidden,
// latent 10, batch 128), runs STEPS training steps after 5 warm-up steps, and prints one JSON line: seconds per step,
// steps per epoch (90% of cells in training), seconds per epoch extrapolated from the timed steps, the CSR size, the
// process's peak working set, and the time of an exact 15-NN search on the latent of every cell.
using System.Diagnostics;
using System.Globalization;
using LabelFree.Analysis.Clustering;
using LabelFree.Core.Torch;
using LabelFree.Core.Training;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using LabelFree.Learning.Methods.Scvi;

var cells = int.Parse(args[0], CultureInfo.InvariantCulture);
var genes = int.Parse(args[1], CultureInfo.InvariantCulture);
var steps = int.Parse(args[2], CultureInfo.InvariantCulture);
var threads = int.Parse(args[3], CultureInfo.InvariantCulture);
var device = TorchRuntime.Start(ComputeDevice.Cpu, threads);

var clock = Stopwatch.StartNew();
var data = CountSimulator.Simulate(new SimulationOptions { Cells = cells, Genes = genes }, seed: 1);
var simulateSeconds = clock.Elapsed.TotalSeconds;
var csrBytes = data.Counts.NonZeros * 8 + (data.Cells + 1) * 8L;
var (codes, names) = CellData.Encode(data.Obs["batch"]);
using var model = Scvi.Create(new ScviConfig { Genes = genes, Batches = names.Length, BatchNames = names }, seed: 1, device);
var split = Scvi.Split(cells, seed: 1);
var options = Scvi.DefaultTraining(split.Train.Length, seed: 1) with { MaxSteps = 5 };
model.Fit(data.Counts, codes, split with { Validation = [] }, new TrainingRun(options));  // warm-up
clock.Restart();
model.Fit(data.Counts, codes, split with { Validation = [] }, new TrainingRun(options with { MaxSteps = steps }));
var perStep = clock.Elapsed.TotalSeconds / steps;
var stepsPerEpoch = (split.Train.Length + 127) / 128;

clock.Restart();
var latent = model.Embed(data.Counts, codes);
var embedSeconds = clock.Elapsed.TotalSeconds;
clock.Restart();
NearestNeighbors.Find(latent, 15);
var knnSeconds = clock.Elapsed.TotalSeconds;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"cells\":{cells},\"genes\":{genes},\"threads\":{threads},\"timed_steps\":{steps},\"seconds_per_step\":{perStep:F5},\"steps_per_epoch\":{stepsPerEpoch}," +
    $"\"seconds_per_epoch\":{perStep * stepsPerEpoch:F2},\"nonzeros\":{data.Counts.NonZeros},\"csr_mib\":{csrBytes / 1048576.0:F1}," +
    $"\"simulate_seconds\":{simulateSeconds:F2},\"embed_seconds\":{embedSeconds:F2},\"knn15_seconds\":{knnSeconds:F2}," +
    $"\"peak_working_set_mib\":{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0}}}"));
