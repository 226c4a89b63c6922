using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Imaging;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>The grid volumes are resampled onto before they become rows: shape and voxel-to-world affine (mm).</summary>
public sealed record VolumeGrid(int[] Shape, double[] Affine)
{
    /// <summary>The default grid for 2 CPU cores: 16³ voxels of 11 mm (176 mm, a whole brain).</summary>
    public const int DefaultSize = 16;
    public const double DefaultSpacingMm = 11;

    public int Voxels => Shape[0] * Shape[1] * Shape[2];
}

/// <summary>One row of measurements per person (voxels of a resampled volume, or table columns), with the people's ids.</summary>
public sealed record PhenotypeInput(string Source, IReadOnlyList<FamSample> People, float[][] Rows, IReadOnlyList<string> Columns, VolumeGrid? Grid);

/// <summary>
/// Reads what latent phenotypes are learnt from: a list of volumes (TSV with <c>IID</c>, optionally <c>FID</c>, and
/// <c>path</c> to one NIfTI per person, relative to the list's folder) resampled onto one grid, or a table of
/// per-person values (<c>#FID IID col...</c>, <c>FID IID ...</c> or <c>IID ...</c>, tab- or space-separated, gzipped or not).
/// Volumes are expected registered to one space and intensity-normalised, as in Ometto et al.'s preprocessing.
/// </summary>
public static class PhenotypeInputs
{
    /// <summary>Volumes listed in <paramref name="table"/>, on <paramref name="grid"/> or, when null, on a grid of <paramref name="size"/>³ voxels of <paramref name="spacingMm"/> centred on the first volume's non-zero voxels.</summary>
    public static PhenotypeInput FromImages(string table, VolumeGrid? grid, int size = VolumeGrid.DefaultSize, double spacingMm = VolumeGrid.DefaultSpacingMm)
    {
        var (people, paths) = ReadList(table);
        if (grid is null)
        {
            var first = NiftiReader.ReadVolume(paths[0]);
            var mask = first.Data.Take(first.X * first.Y * first.Z).Select(v => v > 0).ToArray();
            if (!mask.Contains(true)) throw new UserInputException($"{paths[0]}: no voxel above 0; cannot centre the grid on it");
            var shape = new[] { size, size, size };
            grid = new VolumeGrid(shape, WorkingGrid.Around(first, mask, shape, spacingMm));
        }
        var rows = new float[paths.Length][];
        Parallel.For(0, paths.Length, i => rows[i] = WorkingGrid.Sample(NiftiReader.ReadVolume(paths[i]), grid.Shape, grid.Affine));
        return new PhenotypeInput(table, people, rows, [], grid);
    }

    /// <summary>A table of per-person values; every value must be present.</summary>
    public static PhenotypeInput FromTable(string path)
    {
        using var reader = InputFile.OpenText(path, "phenotype input table");
        var header = Split(reader.ReadLine() ?? throw new UserInputException($"{path}: empty file"));
        var first = header[0].TrimStart('#');
        var hasFid = first.Equals("FID", StringComparison.OrdinalIgnoreCase);
        var ids = hasFid ? 2 : 1;
        if (!(hasFid ? header.Length > 1 && header[1].Equals("IID", StringComparison.OrdinalIgnoreCase) : first.Equals("IID", StringComparison.OrdinalIgnoreCase)))
            throw new UserInputException($"{path}: the header must start with FID IID or IID (got '{string.Join(' ', header.Take(2))}')");
        if (header.Length <= ids) throw new UserInputException($"{path}: no value columns after the ids");
        var people = new List<FamSample>();
        var rows = new List<float[]>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var f = Split(text);
            if (f.Length != header.Length) throw new UserInputException($"{path}: line {line} has {f.Length} fields, the header has {header.Length}");
            people.Add(hasFid ? new FamSample(f[0], f[1]) : new FamSample(f[0], f[0]));
            rows.Add(f.Skip(ids).Select((v, c) => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && float.IsFinite(x) ? x
                : throw new UserInputException($"{path}: line {line}, column {header[ids + c]}: '{v}' is not a number (values must be complete)")).ToArray());
        }
        if (rows.Count < 10) throw new UserInputException($"{path}: {rows.Count} people; latent phenotypes need at least 10");
        return new PhenotypeInput(path, people, rows.ToArray(), header.Skip(ids).ToArray(), null);
    }

    private static (FamSample[] People, string[] Paths) ReadList(string table)
    {
        using var reader = InputFile.OpenText(table, "image list");
        var header = Split(reader.ReadLine() ?? throw new UserInputException($"{table}: empty file"));
        int Find(string name) => Array.FindIndex(header, h => h.TrimStart('#').Equals(name, StringComparison.OrdinalIgnoreCase));
        var (fid, iid, pathColumn) = (Find("FID"), Find("IID"), Find("path"));
        if (iid < 0 || pathColumn < 0) throw new UserInputException($"{table}: expected columns IID and path (and optionally FID), got {string.Join(", ", header)}");
        var folder = Path.GetDirectoryName(Path.GetFullPath(table))!;
        var people = new List<FamSample>();
        var paths = new List<string>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var f = Split(text);
            if (f.Length != header.Length) throw new UserInputException($"{table}: line {line} has {f.Length} fields, the header has {header.Length}");
            var path = Path.IsPathRooted(f[pathColumn]) ? f[pathColumn] : Path.Combine(folder, f[pathColumn]);
            if (!File.Exists(path)) throw new UserInputException($"{table}: line {line}: {f[pathColumn]} not found");
            people.Add(new FamSample(fid >= 0 ? f[fid] : f[iid], f[iid]));
            paths.Add(path);
        }
        if (people.Count < 10) throw new UserInputException($"{table}: {people.Count} volumes; latent phenotypes need at least 10");
        return (people.ToArray(), paths.ToArray());
    }

    private static string[] Split(string line) => line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
}
