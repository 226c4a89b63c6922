using System.Globalization;
using System.Text;
using LabelFree.Analysis.Clustering;
using LabelFree.Analysis.Survival;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ehr;

/// <summary>
/// Patient embeddings and subtypes from a pre-trained BEHRT: each patient's history up to the landmark, the outcome
/// whose survival the subtypes are compared on (codes and/or <c>death</c>; default death), <paramref name="Clusters"/>
/// k-means subtypes, the Leiden resolution, and which patients (a part of the model's split, or all).
/// </summary>
public sealed record BehrtEmbedSettings(string Model, string Events, string Patients, string? Landmark = null, string Outcome = OutcomeDefinition.DeathName,
    int Clusters = 4, double Resolution = 1.0, SplitPart? Part = null, int TopCodes = 10);

/// <summary>One subtype: its size, its outcome events, and its most over-represented tokens.</summary>
public sealed record SubtypeSummary(int Cluster, int Patients, int Events, double FiveYearEventFree, IReadOnlyList<EnrichedCode> TopCodes);

/// <summary>A token more frequent in a cluster's histories than in the others': the fractions of patients with it, the odds ratio and a chi-square P.</summary>
public sealed record EnrichedCode(string Token, double InCluster, double Elsewhere, double OddsRatio, double P);

/// <summary>survival.json: the outcome, and the log-rank test across k-means subtypes and across Leiden clusters.</summary>
public sealed record BehrtEmbedSummary(int Patients, int Dimensions, string Outcome, string Landmark, int LeidenClusters, LogRankResult KmeansLogRank,
    LogRankResult LeidenLogRank, IReadOnlyList<SubtypeSummary> Subtypes);

/// <summary>
/// The embedding protocol of <c>ehr embed</c> and the demo: patients at risk at their landmark (alive, followed beyond
/// it, free of the outcome), their histories up to it through the pre-trained encoder (the mean of the last layer over
/// the sentence), Leiden and k-means clusters and a UMAP (<see cref="LatentClusters"/>), then per k-means subtype a
/// Kaplan-Meier curve of the outcome after the landmark with a log-rank test across subtypes, and each subtype's most
/// over-represented history tokens. Writes embeddings.tsv, clusters.tsv, subtype_codes.tsv, survival.json and figures.
/// </summary>
public static class BehrtEmbedding
{
    public static BehrtEmbedSummary Run(BehrtEmbedSettings settings, RunSettings run, IProgressReporter progress, string command = "ehr embed")
    {
        if (settings.Clusters is < 2 or > 20) throw new SettingException("clusters", $"expected 2 to 20 subtypes, got {settings.Clusters}");
        if (!(settings.Resolution > 0)) throw new SettingException("resolution", $"expected a positive number, got {settings.Resolution}");
        var device = run.StartTorch();
        using var model = Behrt.Load(settings.Model, device);
        var cohort = EhrInputs.Read(settings.Events, settings.Patients, progress);
        var landmark = EhrInputs.LandmarkOf(settings.Landmark, cohort);
        var outcome = OutcomeDefinition.Parse(settings.Outcome, 1, cohort);
        var chosen = EhrInputs.Patients(cohort, ModelFolder.ReadMeta(settings.Model).Seed, settings.Part);
        var patients = new List<(int Patient, int Day, OutcomeStatus Status)>();
        foreach (var p in chosen)
            if (landmark.DayOf(cohort, p) is { } day && outcome.Status(cohort, p, day) is { AtRisk: true } status) patients.Add((p, day, status));
        if (patients.Count < 3 * settings.Clusters)
            throw new UserInputException($"{settings.Events}: {patients.Count} patients are at risk of {outcome} at {landmark}; too few for {settings.Clusters} subtypes");

        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, settings);
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));
        progress.Info($"embedding {patients.Count:N0} patients' histories up to {landmark}");
        var lastDay = patients.ToDictionary(p => p.Patient, p => p.Day);
        var embedding = model.Embed(model.Sentences(cohort, patients.Select(p => p.Patient).ToList(), p => lastDay[p]));
        progress.Info("clustering (kNN graph, Leiden, k-means) and UMAP");
        var clusters = LatentClusters.Run(embedding, run.Seed, resolution: settings.Resolution, kMeansClusters: settings.Clusters);

        var time = patients.Select(p => (double)p.Status.Days).ToArray();
        var events = patients.Select(p => p.Status.Event).ToArray();
        var kmeansTest = LogRank.Test(time, events, clusters.KMeans);
        var leidenTest = LogRank.Test(time, events, clusters.Leiden);
        var tokens = model.Config.Vocabulary.For(cohort);
        var subtypes = Enumerable.Range(0, settings.Clusters).Select(c =>
        {
            var members = Enumerable.Range(0, patients.Count).Where(i => clusters.KMeans[i] == c).ToArray();
            var curve = KaplanMeier.Fit(members.Select(i => time[i]).ToArray(), members.Select(i => events[i]).ToArray());
            return (Curve: curve, Summary: new SubtypeSummary(c, members.Length, curve.Events, curve.At(5 * EhrTime.DaysPerYear),
                Enriched(cohort, tokens, patients.Select(p => (p.Patient, p.Day)).ToList(), clusters.KMeans, c, settings.TopCodes)));
        }).ToList();

        var ids = patients.Select(p => cohort.Patients[p.Patient].Id).ToList();
        Cells.CellOutputs.WriteMatrix(Path.Combine(run.Out, "embeddings.tsv"), ids, embedding, "e", idColumn: "patient");
        var table = new StringBuilder("patient\tkmeans\tleiden\tumap1\tumap2\tdays\tevent\n");
        for (var i = 0; i < patients.Count; i++)
            table.Append(CultureInfo.InvariantCulture, $"{ids[i]}\t{clusters.KMeans[i]}\t{clusters.Leiden[i]}\t{clusters.Umap![i, 0]:G6}\t{clusters.Umap[i, 1]:G6}\t{time[i]}\t{(events[i] ? 1 : 0)}\n");
        AtomicFile.WriteAllText(Path.Combine(run.Out, "clusters.tsv"), table.ToString());
        var codes = new StringBuilder("kmeans\ttoken\tin_cluster\telsewhere\todds_ratio\tp\n");
        foreach (var s in subtypes.Select(s => s.Summary))
            foreach (var e in s.TopCodes) codes.Append(CultureInfo.InvariantCulture, $"{s.Cluster}\t{e.Token}\t{e.InCluster:G4}\t{e.Elsewhere:G4}\t{e.OddsRatio:G4}\t{e.P:G3}\n");
        AtomicFile.WriteAllText(Path.Combine(run.Out, "subtype_codes.tsv"), codes.ToString());
        var summary = new BehrtEmbedSummary(patients.Count, model.Config.Hidden, outcome.ToString(), landmark.ToString(), clusters.Leiden.Max() + 1,
            kmeansTest, leidenTest, subtypes.Select(s => s.Summary).ToList());
        Json.Write(Path.Combine(run.Out, "survival.json"), summary);

        ScatterChart.SavePng(Path.Combine(run.Out, "figures", "umap_kmeans.png"), $"BEHRT patient embeddings: {settings.Clusters} k-means subtypes", clusters.Umap!,
            clusters.KMeans.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        ScatterChart.SavePng(Path.Combine(run.Out, "figures", "umap_leiden.png"), "BEHRT patient embeddings: Leiden clusters", clusters.Umap!,
            clusters.Leiden.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        SurvivalChart.SavePng(Path.Combine(run.Out, "figures", "survival_kmeans.png"),
            $"{outcome} after {landmark} by subtype: log-rank P = {kmeansTest.P:G3}", subtypes.Select(s => ($"subtype {s.Summary.Cluster}", s.Curve)));
        return summary;
    }

    /// <summary>
    /// The tokens whose presence in the history is most over-represented in cluster <paramref name="cluster"/>: odds
    /// ratio (with 0.5 added to each cell) of patients with the token inside against outside, among tokens held by at
    /// least 5% of the cluster, with a 1-degree-of-freedom chi-square P of the 2 x 2 table.
    /// </summary>
    private static List<EnrichedCode> Enriched(EhrCohort cohort, EhrTokens tokens, List<(int Patient, int Day)> patients, int[] cluster, int target, int top)
    {
        var size = tokens.Vocabulary.Size;
        var (inside, outside) = (new int[size], new int[size]);
        for (var i = 0; i < patients.Count; i++)
        {
            var held = new HashSet<int>();
            foreach (var e in cohort.EventsOf(patients[i].Patient))
            {
                if (e.Day > patients[i].Day) break;
                held.Add(tokens.Of(e));
            }
            foreach (var t in held) (cluster[i] == target ? inside : outside)[t]++;
        }
        var n1 = cluster.Count(c => c == target);
        var n0 = cluster.Length - n1;
        return Enumerable.Range(EhrVocabulary.SpecialTokens.Length, size - EhrVocabulary.SpecialTokens.Length)
            .Where(t => inside[t] >= Math.Max(1, 0.05 * n1))
            .Select(t =>
            {
                double a = inside[t], b = n1 - inside[t], c = outside[t], d = n0 - outside[t];
                var odds = (a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5));
                var n = a + b + c + d;
                var denominator = (a + b) * (c + d) * (a + c) * (b + d);
                var chi = denominator > 0 ? n * Math.Pow(a * d - b * c, 2) / denominator : 0;
                return new EnrichedCode(tokens.Vocabulary.Tokens[t], a / Math.Max(1, n1), c / Math.Max(1, n0), odds, ChiSquare.UpperTail(chi, 1));
            })
            .Where(e => e.OddsRatio > 1).OrderByDescending(e => e.OddsRatio).Take(top).ToList();
    }
}
