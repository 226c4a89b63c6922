using System.Globalization;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Imaging;

/// <summary>How atlas regions become class labels: each region, each region with both hemispheres merged, or its lobe.</summary>
public enum AtlasGrouping
{
    /// <summary>The region's own name (Frontal_Sup_L and Frontal_Sup_R are two classes).</summary>
    Region,

    /// <summary>The name without its hemisphere suffix (_L, _R): the class a probe trained on one hemisphere can find in the other.</summary>
    BilateralRegion,

    /// <summary>The AAL region's lobe (<see cref="AtlasLabels.AalLobe"/>).</summary>
    Lobe,
}

/// <summary>
/// Names of an atlas's label values, read from MRIcron's text format (one region a line: value, name, optionally a
/// code; aal.nii.txt), and the AAL regions' lobes.
/// </summary>
public sealed class AtlasLabels(IReadOnlyDictionary<int, string> names)
{
    public IReadOnlyDictionary<int, string> Names { get; } = names;

    public static AtlasLabels Read(string path)
    {
        UserInputException.RequireFile(path, "atlas label names");
        var names = new Dictionary<int, string>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                throw new UserInputException($"{path}, line {number}: expected 'value name', got '{line.Trim()}'");
            names[value] = fields[1];
        }
        if (names.Count == 0) throw new UserInputException($"{path}: no label names");
        return new AtlasLabels(names);
    }

    /// <summary>The class of atlas value <paramref name="value"/> under <paramref name="grouping"/>, or null for an unnamed value (background).</summary>
    public string? ClassOf(int value, AtlasGrouping grouping)
    {
        if (!Names.TryGetValue(value, out var name)) return null;
        return grouping switch
        {
            AtlasGrouping.Region => name,
            AtlasGrouping.BilateralRegion => WithoutHemisphere(name),
            _ => AalLobe(name),
        };
    }

    public static string WithoutHemisphere(string name) =>
        name.EndsWith("_L", StringComparison.Ordinal) || name.EndsWith("_R", StringComparison.Ordinal) ? name[..^2] : name;

    /// <summary>
    /// The lobe of an AAL region (Tzourio-Mazoyer et al. 2002, grouped as in common AAL lobe tables): frontal (with the
    /// precentral gyrus, Rolandic operculum, supplementary motor area, olfactory cortex, gyrus rectus and paracentral
    /// lobule), parietal, temporal (with Heschl's gyrus and the fusiform gyrus), occipital, limbic (cingulum,
    /// hippocampus, parahippocampal gyrus, amygdala), insula, subcortical grey nuclei, cerebellum (with the vermis).
    /// </summary>
    public static string AalLobe(string region)
    {
        var name = WithoutHemisphere(region);
        string[] frontal = ["Precentral", "Frontal", "Rolandic", "Supp_Motor", "Olfactory", "Rectus", "Paracentral"];
        string[] parietal = ["Postcentral", "Parietal", "SupraMarginal", "Angular", "Precuneus"];
        string[] temporal = ["Temporal", "Heschl", "Fusiform"];
        string[] occipital = ["Calcarine", "Cuneus", "Lingual", "Occipital"];
        string[] limbic = ["Cingulum", "Hippocampus", "ParaHippocampal", "Amygdala"];
        string[] subcortical = ["Caudate", "Putamen", "Pallidum", "Thalamus"];
        bool Any(string[] prefixes) => prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        if (Any(frontal)) return "frontal";
        if (Any(parietal)) return "parietal";
        if (Any(temporal)) return "temporal";
        if (Any(occipital)) return "occipital";
        if (Any(limbic)) return "limbic";
        if (name.StartsWith("Insula", StringComparison.Ordinal)) return "insula";
        if (Any(subcortical)) return "subcortical";
        if (name.StartsWith("Cerebelum", StringComparison.Ordinal) || name.StartsWith("Vermis", StringComparison.Ordinal)) return "cerebellum";
        return "other";
    }
}
