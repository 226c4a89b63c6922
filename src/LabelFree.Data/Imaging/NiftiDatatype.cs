namespace LabelFree.Data.Imaging;

/// <summary>NIfTI voxel types that LabelFree reads and writes (codes from nifti1.h).</summary>
public enum NiftiDatatype : short
{
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Float64 = 64,
    Int8 = 256,
    UInt16 = 512,
    UInt32 = 768,
    Int64 = 1024,
}

internal static class NiftiDatatypes
{
    public static int BytesPerVoxel(NiftiDatatype type) => type switch
    {
        NiftiDatatype.UInt8 or NiftiDatatype.Int8 => 1,
        NiftiDatatype.Int16 or NiftiDatatype.UInt16 => 2,
        NiftiDatatype.Int32 or NiftiDatatype.UInt32 or NiftiDatatype.Float32 => 4,
        NiftiDatatype.Float64 or NiftiDatatype.Int64 => 8,
        _ => 0,
    };

    public static bool IsKnown(short code) => Enum.IsDefined(typeof(NiftiDatatype), code);
}
