using LabelFree.Core.Errors;
using PureHDF;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// Reads HDF5 datasets of whatever numeric width the writer chose (int32, uint64, float32...) as .NET arrays, each
/// checked against the file's size before it is allocated (<see cref="HdfFile.RequireFits"/>).
/// </summary>
internal static class Hdf5Values
{
    public static float[] Floats(IH5Dataset dataset, HdfFile source) => Fits(dataset, source) switch
    {
        (H5DataTypeClass.FloatingPoint, 4, _) => dataset.Read<float[]>(),
        (H5DataTypeClass.FloatingPoint, 8, _) => Array.ConvertAll(dataset.Read<double[]>(), v => (float)v),
        (H5DataTypeClass.FixedPoint, _, _) => Array.ConvertAll(Longs(dataset, source), v => (float)v),
        var other => throw Unsupported(source, dataset, other),
    };

    public static long[] Longs(IH5Dataset dataset, HdfFile source) => Fits(dataset, source) switch
    {
        (H5DataTypeClass.FixedPoint, 1, true) => Array.ConvertAll(dataset.Read<sbyte[]>(), v => (long)v),
        (H5DataTypeClass.FixedPoint, 1, false) => Array.ConvertAll(dataset.Read<byte[]>(), v => (long)v),
        (H5DataTypeClass.FixedPoint, 2, true) => Array.ConvertAll(dataset.Read<short[]>(), v => (long)v),
        (H5DataTypeClass.FixedPoint, 2, false) => Array.ConvertAll(dataset.Read<ushort[]>(), v => (long)v),
        (H5DataTypeClass.FixedPoint, 4, true) => Array.ConvertAll(dataset.Read<int[]>(), v => (long)v),
        (H5DataTypeClass.FixedPoint, 4, false) => Array.ConvertAll(dataset.Read<uint[]>(), v => (long)v),
        (H5DataTypeClass.FixedPoint, 8, true) => dataset.Read<long[]>(),
        (H5DataTypeClass.FixedPoint, 8, false) => Array.ConvertAll(dataset.Read<ulong[]>(), v => checked((long)v)),
        var other => throw Unsupported(source, dataset, other),
    };

    public static int[] Ints(IH5Dataset dataset, HdfFile source) => Fits(dataset, source) is (H5DataTypeClass.FixedPoint, 4, true)
        ? dataset.Read<int[]>()  // the common case, read without a 64-bit copy (indices of 10^8 non-zeros)
        : Array.ConvertAll(Longs(dataset, source), v => checked((int)v));

    public static string[] Strings(IH5Dataset dataset, HdfFile source)
    {
        source.RequireFits(dataset);
        return dataset.Read<string[]>();
    }

    /// <summary>A string attribute (fixed or variable length), or null when absent.</summary>
    public static string? StringAttribute(IH5Object owner, string name)
    {
        if (!owner.AttributeExists(name)) return null;
        var attribute = owner.Attribute(name);
        return attribute.Space.Rank == 0 ? attribute.Read<string>() : attribute.Read<string[]>().FirstOrDefault();
    }

    private static (H5DataTypeClass Class, int Size, bool Signed) Fits(IH5Dataset dataset, HdfFile source)
    {
        source.RequireFits(dataset);
        var type = dataset.Type;
        return (type.Class, type.Size, type.Class == H5DataTypeClass.FixedPoint && type.FixedPoint.IsSigned);
    }

    private static UserInputException Unsupported(HdfFile source, IH5Dataset dataset, (H5DataTypeClass Class, int Size, bool Signed) kind) =>
        new($"{source.Path}: dataset {dataset.Name} holds {kind.Class} values of {kind.Size} bytes, expected numbers");
}
