using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Data.Tiles;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary>
/// How the ssl commands read images: the paths (given by each command), then for NIfTI volumes --labels,
/// --label-names, --label-level, --patch, --patch-stride, --max-patches, --group-by, and for 2-D images --tile.
/// The hemisphere is per input (probe trains on one side and tests on the other).
/// </summary>
public sealed class SslImageOptions
{
    private readonly Option<string?> _labels = new("--labels") { Description = "NIfTI label volume on the images' grid (an atlas); each patch is labelled at its centre" };
    private readonly Option<string?> _names = new("--label-names") { Description = "The label volume's names: one 'value name' per line (as aal.nii.txt)" };
    private readonly Option<AtlasGrouping> _level = Flags.Choice("--label-level", "Classes from the atlas: region, bilateralregion (hemispheres merged) or lobe", AtlasGrouping.Lobe)
        .Sets("grouping");
    private readonly Option<int> _patch = new Option<int>("--patch") { Description = "NIfTI: side of the axial 2-D patches in voxels", DefaultValueFactory = _ => 32 }.Positive();
    private readonly Option<int> _stride = new Option<int>("--patch-stride") { Description = "NIfTI: voxels between patch centres", DefaultValueFactory = _ => 4 }.Positive();
    private readonly Option<int?> _max = new Option<int?>("--max-patches") { Description = "NIfTI: at most this many patches per volume (a seeded choice)" }.Positive();
    private readonly Option<PatchGroupBy> _groupBy = Flags.Choice("--group-by", "NIfTI group key for MICLe: volume, or position (the same place in co-registered volumes of one subject)", PatchGroupBy.Volume);
    private readonly Option<bool> _mirror = new("--mirror") { Description = "NIfTI: flip the test (or all) patches left-right, so the right hemisphere looks like the left" };
    private readonly Option<int?> _tile = new Option<int?>("--tile") { Description = "2-D images: cut into square tiles of this many pixels (Visium: the tile side around each spot)" }.Positive();

    /// <summary>--tile, for a command that also reads a Visium folder.</summary>
    public Option<int?> Tile => _tile;

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _labels, _names, _level, _patch, _stride, _max, _groupBy, _mirror, _tile }) command.Options.Add(option);
    }

    /// <summary>The input at <paramref name="paths"/>; <paramref name="mirrorable"/> says whether --mirror applies to it (probe: the test images only).</summary>
    public SslImageInput Read(ParseResult r, IReadOnlyList<string> paths, Hemisphere side = Hemisphere.Both, bool mirrorable = true) =>
        new(paths, r.GetValue(_labels), r.GetValue(_names), new PatchSampling(r.GetValue(_patch), r.GetValue(_stride), side, r.GetValue(_max), Grouping: r.GetValue(_level),
            Mirror: mirrorable && r.GetValue(_mirror)), r.GetValue(_groupBy), r.GetValue(_tile));

    public static Option<string[]> Paths(string name, string description) =>
        new(name) { Description = description, Required = true, AllowMultipleArgumentsPerToken = true };

    public static Option<Hemisphere> Side(string name, string what) =>
        Flags.Choice(name, $"NIfTI: take {what} patches from both sides, or only the left or right hemisphere (world x < 0 or > 0)", Hemisphere.Both);

    /// <summary>
    /// --visium, --tile, --blocks and --held-out of the Visium commands; <paramref name="required"/> false where a
    /// Visium folder is one of two inputs, <paramref name="tile"/> false where <see cref="SslImageOptions"/>' --tile
    /// is on the command too.
    /// </summary>
    public static VisiumOptions Visium(bool required = true, bool tile = true) => new(required, tile);

    public sealed class VisiumOptions(bool required, bool tile)
    {
        private readonly Option<string?> _folder = new("--visium") { Description = "Space Ranger folder: filtered_feature_bc_matrix.h5(.gz) and spatial/", Required = required };
        private readonly Option<int> _tile = new Option<int>("--tile") { Description = "Tile side in low-resolution image pixels", DefaultValueFactory = _ => SslImageInput.VisiumTile }.Positive();
        private readonly Option<int> _blocks = new Option<int>("--blocks") { Description = "Spatial blocks per side of the array", DefaultValueFactory = _ => 4 }.Positive();
        private readonly Option<double> _heldOut = new Option<double>("--held-out") { Description = "Fraction of the blocks (or samples) held out", DefaultValueFactory = _ => 0.25 }
            .PositiveFinite().Sets("held_out_fraction");

        public void AddTo(Command command)
        {
            foreach (var option in tile ? new Option[] { _folder, _tile, _blocks, _heldOut } : [_folder, _blocks, _heldOut]) command.Options.Add(option);
        }

        /// <summary>The settings, or null when --visium is optional and not given; <paramref name="tileSide"/> where this command's --tile is another option.</summary>
        public VisiumSettings? Read(ParseResult r, int? tileSide = null) => r.GetValue(_folder) is { } folder
            ? new(folder, tileSide ?? (tile ? r.GetValue(_tile) : SslImageInput.VisiumTile), r.GetValue(_blocks), r.GetValue(_heldOut))
            : null;

        public double HeldOut(ParseResult r) => r.GetValue(_heldOut);
    }

    public static Option<string> Model() => new("--model") { Description = "Model folder (an ssl pretrain RUN/model)", Required = true };
}
