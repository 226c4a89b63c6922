using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Data.Ehr;

/// <summary>
/// Quantile bins of one code's numeric values: <see cref="Edges"/> are the distinct inner quantiles (deciles by
/// default) of the training patients' values; value v falls in bin 1 + (the number of edges below v), so a value equal
/// to an edge goes to the lower bin and a code with few distinct values (smoking 0/1) gets few bins.
/// </summary>
public sealed record CodeBins(string Code, EquatableArray<double> Edges)
{
    public int Bin(double value)
    {
        var bin = 1;
        foreach (var edge in Edges)
            if (edge < value) bin++;
        return bin;
    }

    /// <summary>The token of a value: <c>code:qK</c>.</summary>
    public string Token(double value) => TokenOf(Code, Bin(value));

    public static string TokenOf(string code, int bin) => $"{code}:q{bin}";
}

/// <summary>How a vocabulary is fitted: the number of quantile bins per valued code and the fewest training events a token needs.</summary>
public sealed record EhrVocabularyOptions(int Bins = 10, int MinCount = 5)
{
    public EhrVocabularyOptions Validate()
    {
        if (Bins is < 1 or > 100) throw new SettingException("bins", $"expected 1 to 100 quantile bins, got {Bins}");
        if (MinCount < 1) throw new SettingException("min_count", $"expected a positive number, got {MinCount}");
        return this;
    }
}

/// <summary>
/// The tokens of an event-sequence model: the specials ([PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4), one token per
/// sex (<c>sex:F</c>), one per code (<c>htn</c>) and one per quantile bin of each valued code (<c>chol:q7</c>), all
/// fitted on training patients only: codes and bins seen fewer than <see cref="EhrVocabularyOptions.MinCount"/> times
/// there become [UNK]. Saved inside the model's config, so a model reads any cohort written with the same codes.
/// </summary>
public sealed record EhrVocabulary(EquatableArray<string> Tokens, EquatableArray<CodeBins> Bins)
{
    public const int Pad = 0;
    public const int Unknown = 1;
    public const int Cls = 2;
    public const int Sep = 3;
    public const int Mask = 4;
    public static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    [JsonIgnore]
    public int Size => Tokens.Length;

    /// <summary>The ids that are never masked nor predicted.</summary>
    [JsonIgnore]
    public int[] SpecialIds => [Pad, Unknown, Cls, Sep, Mask];

    /// <summary>Fits the bins and the tokens on the events of <paramref name="patients"/> (training patients).</summary>
    public static EhrVocabulary Fit(EhrCohort cohort, IReadOnlyList<int> patients, EhrVocabularyOptions options)
    {
        options.Validate();
        var values = new List<float>[cohort.Codes.Count];
        foreach (var p in patients)
            foreach (var e in cohort.EventsOf(p))
                if (e.HasValue) (values[e.Code] ??= []).Add(e.Value);
        var bins = new List<CodeBins>();
        for (var c = 0; c < cohort.Codes.Count; c++)
            if (values[c] is { } v && v.Count >= options.MinCount) bins.Add(new CodeBins(cohort.Codes[c], QuantileEdges(v, options.Bins)));

        var binOf = bins.ToDictionary(b => b.Code, StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in patients)
        {
            Count(counts, SexToken(cohort.Patients[p].Sex));
            foreach (var e in cohort.EventsOf(p)) Count(counts, TokenText(cohort.Codes[e.Code], e, binOf));
        }
        var kept = counts.Where(c => c.Value >= options.MinCount).Select(c => c.Key)
            .OrderBy(t => t.StartsWith("sex:", StringComparison.Ordinal) ? 0 : 1).ThenBy(t => t, StringComparer.Ordinal);
        return new EhrVocabulary([.. SpecialTokens, .. kept], [.. bins.OrderBy(b => b.Code, StringComparer.Ordinal)]);
    }

    public static string SexToken(string sex) => $"sex:{sex}";

    /// <summary>Maps events of <paramref name="cohort"/> to token ids (unknown codes and bins to [UNK]).</summary>
    public EhrTokens For(EhrCohort cohort) => new(this, cohort);

    /// <summary>
    /// Quantiles at 1/bins .. (bins-1)/bins taken as the order statistic at or below each (numpy's method="lower"),
    /// distinct values only: every edge is a value seen in training, so a few distinct values (0/1/2) give a bin each.
    /// </summary>
    public static EquatableArray<double> QuantileEdges(List<float> values, int bins)
    {
        var sorted = values.Select(v => (double)v).Order().ToArray();
        var edges = new List<double>();
        for (var i = 1; i < bins; i++)
        {
            var q = sorted[(int)Math.Floor((sorted.Length - 1) * (double)i / bins)];
            if (edges.Count == 0 || q > edges[^1]) edges.Add(q);
        }
        return edges.ToArray();
    }

    internal static string TokenText(string code, EhrEvent e, IReadOnlyDictionary<string, CodeBins> bins) =>
        e.HasValue && bins.TryGetValue(code, out var b) ? b.Token(e.Value) : code;

    private static void Count(Dictionary<string, int> counts, string token) => counts[token] = counts.GetValueOrDefault(token) + 1;
}

/// <summary>A vocabulary applied to one cohort: token ids of its events and patients.</summary>
public sealed class EhrTokens
{
    private readonly Dictionary<string, int> _ids;
    private readonly IReadOnlyDictionary<string, CodeBins> _bins;
    private readonly EhrCohort _cohort;
    private readonly int[] _plain;

    internal EhrTokens(EhrVocabulary vocabulary, EhrCohort cohort)
    {
        Vocabulary = vocabulary;
        _cohort = cohort;
        _ids = vocabulary.Tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        _bins = vocabulary.Bins.ToDictionary(b => b.Code, StringComparer.Ordinal);
        _plain = cohort.Codes.Select(c => _ids.GetValueOrDefault(c, EhrVocabulary.Unknown)).ToArray();
    }

    public EhrVocabulary Vocabulary { get; }

    /// <summary>The token id of an event of this cohort.</summary>
    public int Of(EhrEvent e) => e.HasValue && _bins.ContainsKey(_cohort.Codes[e.Code])
        ? Id(EhrVocabulary.TokenText(_cohort.Codes[e.Code], e, _bins))
        : _plain[e.Code];

    /// <summary>The token id of a patient's sex.</summary>
    public int Sex(int patient) => Id(EhrVocabulary.SexToken(_cohort.Patients[patient].Sex));

    /// <summary>The id of a token text, or [UNK].</summary>
    public int Id(string token) => _ids.GetValueOrDefault(token, EhrVocabulary.Unknown);
}
