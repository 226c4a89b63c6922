using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;
using LabelFree.Data.Tiles;

namespace LabelFree.Workflows.Ssl;

/// <summary>What groups NIfTI patches for MICLe's positives: the volume they come from, or their position (patches at one place in co-registered volumes of one subject).</summary>
public enum PatchGroupBy
{
    Volume,
    Position,
}

/// <summary>
/// Images for the self-supervised commands: PNG/JPEG files or folders (labels from sub-folder names; optionally cut
/// into <see cref="Tile"/>-pixel tiles), Visium folders (a tile of the H&amp;E image around each spot on tissue), or NIfTI volumes cut into 2-D axial patches (<see cref="Patches"/>), with an
/// optional label volume on the same grid and its names (an atlas; each patch labelled at its centre) and the group
/// key for MICLe.
/// </summary>
public sealed record SslImageInput(IReadOnlyList<string> Paths, string? Labels = null, string? LabelNames = null, PatchSampling? Patches = null,
    PatchGroupBy GroupBy = PatchGroupBy.Volume, int? Tile = null)
{
    /// <summary>Whether the inputs are NIfTI volumes (1-channel MRI patches, MRI augmentations).</summary>
    public bool IsVolume => Paths.Count > 0 && Paths.All(IsNifti);

    public static bool IsNifti(string path) => path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the paths and settings without reading images.</summary>
    public SslImageInput Check()
    {
        if (Paths.Count == 0) throw new SettingException("images", "expected one or more image files, folders or NIfTI volumes");
        foreach (var path in Paths)
            if (!File.Exists(path) && !Directory.Exists(path)) throw new UserInputException($"{path}: no such image file, folder or NIfTI volume");
        if (Paths.Any(IsNifti) && !IsVolume) throw new SettingException("images", "give either NIfTI volumes or 2-D images, not both");
        if (!IsVolume && (Labels is not null || LabelNames is not null))
            throw new SettingException("labels", "label volumes go with NIfTI inputs; 2-D images take their labels from sub-folder names");
        if ((Labels is null) != (LabelNames is null)) throw new SettingException("label_names", "a label volume needs its names file (value name per line, as aal.nii.txt), and the other way round");
        if (Labels is not null) UserInputException.RequireFile(Labels, "label volume");
        if (LabelNames is not null) UserInputException.RequireFile(LabelNames, "label names");
        if (Tile is < 8) throw new SettingException("tile", $"expected at least 8 pixels, got {Tile}");
        (Patches ?? new PatchSampling()).Validate();
        return this;
    }

    /// <summary>A Visium folder (with spatial/) gives a tile around each spot on tissue; an image file or folder its images, cut into tiles when <see cref="Tile"/> is set.</summary>
    private IEnumerable<TileImage> ReadImages(string path)
    {
        if (Directory.Exists(Path.Combine(path, "spatial"))) return VisiumSpots.Read(Path.Combine(path, "spatial")).Tiles(Tile ?? VisiumTile);
        return ImageFiles.Read(path).SelectMany(image => Tile is { } t ? ImageTiling.Grid(image, t) : [image]);
    }

    /// <summary>Low-resolution pixels of a Visium spot's tile when no tile size is given (about 2.5 spot spacings).</summary>
    public const int VisiumTile = 24;

    /// <summary>Reads every image (patches drawn with <paramref name="seed"/>).</summary>
    public IReadOnlyList<TileImage> Read(long seed)
    {
        Check();
        if (!IsVolume) return Paths.SelectMany(ReadImages).ToList();
        var names = LabelNames is null ? null : AtlasLabels.Read(LabelNames);
        var sampling = Patches ?? new PatchSampling();
        var patches = new List<TileImage>();
        foreach (var path in Paths)
        {
            var cut = VolumePatches.Sample(path, Labels, names, sampling, seed);
            patches.AddRange(GroupBy == PatchGroupBy.Position ? cut.Select(p => p with { Group = p.Id[(p.Id.LastIndexOf(':') + 1)..] }) : cut);
        }
        return patches;
    }
}
