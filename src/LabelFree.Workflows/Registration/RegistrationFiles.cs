using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Workflows.Registration;

/// <summary>
/// One row of a pairs file: fixed and moving scans with their label maps (needed to score, not to train), optional brain
/// masks, and an optional affine.json (from an affine registration) to compose instead of fitting one.
/// </summary>
public sealed record PairRow(string Fixed, string Moving, string? FixedLabels, string? MovingLabels, string? FixedMask, string? MovingMask, string? Affine = null);

/// <summary>Reading scans with their masks, pairs files, and writing a registered pair's outputs.</summary>
public static class RegistrationFiles
{
    public const string PairsHeader = "fixed\tmoving\tfixed_labels\tmoving_labels\tfixed_mask\tmoving_mask";

    public static (NiftiImage Image, bool[] Mask) Scan(string path, string? maskPath, string role)
    {
        UserInputException.RequireFile(path, $"{role} scan");
        var image = NiftiReader.ReadVolume(path);
        return (image, ScanList.BrainMaskFor(image, path, maskPath));
    }

    public static NiftiImage Labels(string path, NiftiImage on, string role)
    {
        UserInputException.RequireFile(path, $"{role} label map");
        var labels = NiftiReader.ReadVolume(path);
        if (!labels.Shape.Take(3).SequenceEqual(on.Shape.Take(3)))
            throw new UserInputException($"{path}: labels are {string.Join("x", labels.Shape.Take(3))} voxels, the scan is {string.Join("x", on.Shape.Take(3))}");
        return labels with { Shape = labels.Shape.Take(3).ToArray() };
    }

    /// <summary>
    /// A tab-separated pairs file with a header naming at least fixed, moving and (when <paramref name="labels"/>)
    /// fixed_labels, moving_labels; optional fixed_mask, moving_mask, affine. Relative paths are from the file's folder.
    /// </summary>
    public static List<PairRow> ReadPairs(string path, bool labels = true)
    {
        UserInputException.RequireFile(path, "pairs file");
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count < 2) throw new UserInputException($"{path}: expected a header and at least one pair");
        var header = lines[0].Split('\t').Select(h => h.Trim()).ToList();
        int Column(string name, bool required)
        {
            var index = header.IndexOf(name);
            if (index < 0 && required) throw new UserInputException($"{path}: the header has no '{name}' column (expected: {PairsHeader})");
            return index;
        }
        int f = Column("fixed", true), m = Column("moving", true), fl = Column("fixed_labels", labels), ml = Column("moving_labels", labels);
        int fm = Column("fixed_mask", false), mm = Column("moving_mask", false), affine = Column("affine", false);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? Cell(string[] cells, int index, int line)
        {
            if (index < 0) return null;
            if (index >= cells.Length) throw new UserInputException($"{path}:{line}: expected {header.Count} tab-separated columns, got {cells.Length}");
            var value = cells[index].Trim();
            return value.Length == 0 ? null : Path.Combine(folder, value);
        }
        var rows = new List<PairRow>();
        for (var i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split('\t');
            string Required(int index) => Cell(cells, index, i + 1) ?? throw new UserInputException($"{path}:{i + 1}: empty '{header[index]}'");
            string? Optional(int index) => labels ? Required(index) : Cell(cells, index, i + 1);
            rows.Add(new PairRow(Required(f), Required(m), Optional(fl), Optional(ml), Cell(cells, fm, i + 1), Cell(cells, mm, i + 1), Cell(cells, affine, i + 1)));
        }
        return rows;
    }

    /// <summary>Determinant of the transform's Jacobian at every fixed voxel.</summary>
    public static float[] Jacobian(DisplacementField field) =>
        RegistrationMetrics.JacobianDeterminant(field.X, field.Y, field.Z, field.Shape, field.VoxelToWorld);

    /// <summary>warped.nii.gz, field.nii.gz (vector intent, mm), jacobian.nii.gz and, with labels, warped_labels.nii.gz.</summary>
    public static void WriteOutputs(string folder, NiftiImage fixedImage, RegisteredPair pair, float[] jacobian)
    {
        Directory.CreateDirectory(folder);
        var grid = fixedImage with { Shape = fixedImage.Shape.Take(3).ToArray() };
        NiftiWriter.Write(Path.Combine(folder, "warped.nii.gz"), grid.WithData(pair.Warped), NiftiDatatype.Float32, "LabelFree warped moving image");
        NiftiWriter.Write(Path.Combine(folder, "field.nii.gz"), pair.Field.ToNifti(), NiftiDatatype.Float32, "displacement fixed->moving, mm", NiftiWriter.VectorIntent);
        NiftiWriter.Write(Path.Combine(folder, "jacobian.nii.gz"), grid.WithData(jacobian), NiftiDatatype.Float32, "Jacobian determinant");
        if (pair.WarpedLabels is not null)
            NiftiWriter.Write(Path.Combine(folder, "warped_labels.nii.gz"), grid.WithData(pair.WarpedLabels), NiftiDatatype.Int16, "LabelFree warped labels");
    }

    /// <summary>Reads a 4x4 affine written by an affine registration (affine.json, key fixed_to_moving, row-major).</summary>
    public static double[] ReadAffine(string path)
    {
        UserInputException.RequireFile(path, "affine file");
        var record = Core.IO.Json.Read<AffineRecord>(path);
        if (record.FixedToMoving is not { Length: 16 }) throw new UserInputException($"{path}: expected fixed_to_moving with 16 numbers (row-major 4x4)");
        return record.FixedToMoving;
    }
}

/// <summary>What an affine registration writes to affine.json.</summary>
/// <param name="FixedToMoving">Row-major 4x4 world (mm, RAS) map from fixed points to moving points.</param>
public sealed record AffineRecord(string Fixed, string Moving, double[] FixedToMoving, double FinalNcc, double Seconds);
