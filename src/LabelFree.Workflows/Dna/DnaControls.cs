using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Randomness;
using LabelFree.Data.Sequences;

namespace LabelFree.Workflows.Dna;

/// <summary>
/// Promoters against shuffled controls: the last <paramref name="Bases"/> bases of each record (for upstream-of-TSS
/// files such as dm3_upstream2000, the core promoter next to the transcription start), and the records' split
/// (a pre-training run's split.tsv, so that the test table holds only records the model never saw), at most
/// <paramref name="PerPart"/> records from each part.
/// </summary>
public sealed record DnaControlSettings(string Fasta, string Split, int Bases = 300, int PerPart = 1000);

/// <summary>The two tables written.</summary>
public sealed record DnaControlTables(string Train, string Test, int TrainRows, int TestRows);

/// <summary>
/// Labelled tables for promoter recognition with dinucleotide-shuffled negatives (Altschul-Erickson,
/// <see cref="DinucleotideShuffle"/>): each chosen record's window is a <c>promoter</c> row and its seeded shuffle a
/// <c>shuffled</c> row, so the classes share their mono- and dinucleotide composition exactly and only longer words
/// (motifs) tell them apart. Records of the same overlap group give the same window once; windows with an N are
/// skipped. train.csv comes from the split's training records, test.csv from its held-out records.
/// </summary>
public static class DnaControls
{
    public const string Promoter = "promoter";
    public const string Shuffled = "shuffled";

    public static DnaControlTables Write(DnaControlSettings settings, string folder, long seed)
    {
        if (settings.Bases < 16) throw new SettingException("bases", $"expected at least 16 bases, got {settings.Bases}");
        if (settings.PerPart < 1) throw new SettingException("per_part", $"expected a positive number, got {settings.PerPart}");
        var parts = ReadSplit(settings.Split);
        var records = FastaReader.Read(settings.Fasta);
        Directory.CreateDirectory(folder);
        var written = new Dictionary<string, (string Path, int Rows)>();
        foreach (var part in new[] { "train", "held_out" })
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var windows = new List<(string Id, byte[] Bases)>();
            foreach (var record in records)
            {
                if (!parts.TryGetValue(record.Id, out var where) || where.Part != part || record.Length < settings.Bases || !seen.Add(where.Group)) continue;
                var window = record.Bases.AsSpan(record.Length - settings.Bases);
                if (window.ContainsAnyExcept("ACGT"u8)) continue;
                windows.Add((record.Id, window.ToArray()));
            }
            var order = Rng.For(seed, "controls", part == "train" ? 0 : 1).Permutation(windows.Count);
            var chosen = order.Take(settings.PerPart).Order().Select(i => windows[i]).ToArray();
            var rng = Rng.For(seed, "dinucleotide-shuffle", part == "train" ? 0 : 1);
            var text = new StringBuilder("id,sequence,label\n");
            foreach (var (id, bases) in chosen)
            {
                text.Append(id).Append(',').Append(Encoding.ASCII.GetString(bases)).Append(',').Append(Promoter).Append('\n');
                text.Append(id).Append("_shuffled,").Append(Encoding.ASCII.GetString(DinucleotideShuffle.Of(bases, rng))).Append(',').Append(Shuffled).Append('\n');
            }
            var path = Path.Combine(folder, part == "train" ? "train.csv" : "test.csv");
            AtomicFile.WriteAllText(path, text.ToString());
            written[part] = (path, 2 * chosen.Length);
        }
        if (written["train"].Rows == 0 || written["held_out"].Rows == 0)
            throw new UserInputException($"{settings.Fasta}: no window of {settings.Bases} bases without N in the training or held-out records of {settings.Split}");
        return new DnaControlTables(written["train"].Path, written["held_out"].Path, written["train"].Rows, written["held_out"].Rows);
    }

    private static Dictionary<string, (string Group, string Part)> ReadSplit(string path)
    {
        UserInputException.RequireFile(path, "split table");
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "record\tgroup\tpart") throw new UserInputException($"{path}: expected a split.tsv of dna pretrain (header record, group, part)");
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split('\t');
            if (fields.Length != 3 || fields[2] is not ("train" or "held_out")) throw new UserInputException($"{path}:{i + 1}: expected record, group and part (train or held_out)");
            result[fields[0]] = (fields[1], fields[2]);
        }
        return result;
    }
}
