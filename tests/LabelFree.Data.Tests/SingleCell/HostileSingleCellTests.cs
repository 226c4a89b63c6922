using System.IO.Compression;
using LabelFree.Core.Errors;
using LabelFree.Data.SingleCell;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.SingleCell;

/// <summary>
/// Hostile single-cell files (issue 20): headers that declare far more than the file holds are refused, naming the
/// file, before anything of that size is allocated; inconsistent sparse arrays are user errors, not crashes later.
/// </summary>
public class HostileSingleCellTests
{
    [Theory]
    [InlineData("2000000000 2000000000 5", "genes.tsv: 2 genes, but")]
    [InlineData("2 3 -1", "malformed size line")]
    [InlineData("2 -3 1", "malformed size line")]
    [InlineData("2 3 2000000000", "announces 2,000,000,000 entries, more than a file of")]
    [InlineData("2 4 1", "barcodes.tsv: 3 barcodes, but")]
    public void An_mtx_size_line_is_checked_against_the_other_files_and_the_files_length(string sizeLine, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["matrix.mtx"], $"%%MatrixMarket matrix coordinate integer general\n{sizeLine}\n1 1 4\n");
        File.WriteAllLines(folder["genes.tsv"], ["g1\tA", "g2\tB"]);
        File.WriteAllLines(folder["barcodes.tsv"], ["c1", "c2", "c3"]);
        var error = Assert.Throws<UserInputException>(() => TenxMtxReader.Read(folder.Path));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_gzipped_mtx_grows_its_arrays_as_entries_arrive()
    {
        using var folder = new TempFolder();
        using (var gzip = new StreamWriter(new GZipStream(File.Create(folder["matrix.mtx.gz"]), CompressionLevel.Optimal)))
            gzip.Write("%%MatrixMarket matrix coordinate integer general\n2 3 2\n1 1 4\n2 3 7\n");
        File.WriteAllLines(folder["genes.tsv"], ["g1\tA", "g2\tB"]);
        File.WriteAllLines(folder["barcodes.tsv"], ["c1", "c2", "c3"]);
        var data = TenxMtxReader.Read(folder.Path);
        Assert.Equal([4f, 7f], data.Counts.Values);
        Assert.Equal([0, 1], data.Counts.ColumnIndex);
    }

    [Theory]
    [InlineData(new long[] { 0, 1, 1 }, new[] { 0, 5 }, 2, "row pointers run from 0 to 1, expected 0 to 2")]
    [InlineData(new long[] { 0, 2, 1, 2 }, new[] { 0, 1 }, 2, "row pointer 2 (1) is below the one before it (2)")]
    [InlineData(new long[] { 0, 1, 2 }, new[] { 0, 3 }, 2, "index 3 at entry 1 is outside 0 to 2")]
    [InlineData(new long[] { 0, 1, 2 }, new[] { 0, -1 }, 2, "index -1 at entry 1 is outside 0 to 2")]
    public void Sparse_arrays_are_checked_whole(long[] pointer, int[] index, int values, string expected)
    {
        Assert.Equal(expected, SparseCounts.Problem(pointer.Length - 1, 3, pointer, index, values));
        Assert.Null(SparseCounts.Problem(2, 3, [0, 1, 2], [0, 2], 2));
    }

    /// <summary>Files written by h5py: small on disk, each lying about one thing.</summary>
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Hdf5_headers_that_declare_more_than_the_file_holds_are_refused_before_reading()
    {
        using var folder = new TempFolder();
        var script = """
            import sys, h5py, numpy as np
            folder = sys.argv[1]
            def frame(g, name, n):
                f = g.create_group(name); f.attrs["_index"] = "_index"; f.attrs["encoding-type"] = "dataframe"
                f.attrs["encoding-version"] = "0.2.0"; f.attrs["column-order"] = np.array([], dtype="S")
                f.create_dataset("_index", data=np.array([f"{name}{i}" for i in range(n)], dtype="S"))
            def csr(h, name, indptr, indices, data, huge=None):
                x = h.create_group(name); x.attrs["encoding-type"] = "csr_matrix"; x.attrs["encoding-version"] = "0.1.0"
                x.attrs["shape"] = np.array([3, 4])
                x.create_dataset("indptr", data=np.array(indptr, dtype=np.int64))
                x.create_dataset("indices", data=np.array(indices, dtype=np.int32))
                if huge: x.create_dataset("data", shape=(huge,), dtype=np.float32, chunks=(1 << 20,), compression="gzip")
                else: x.create_dataset("data", data=np.array(data, dtype=np.float32))
            with h5py.File(folder + "/huge_data.h5ad", "w") as h:
                frame(h, "obs", 3); frame(h, "var", 4); csr(h, "X", [0, 1, 1, 2], [0, 3], None, huge=2_000_000_000)
            with h5py.File(folder + "/bad_index.h5ad", "w") as h:
                frame(h, "obs", 3); frame(h, "var", 4); csr(h, "X", [0, 1, 1, 2], [0, 9], [1, 2])
            with h5py.File(folder + "/dense_shape.h5ad", "w") as h:
                frame(h, "obs", 3); frame(h, "var", 4)
                h.create_dataset("X", shape=(200, 5_000_000), dtype=np.float32, chunks=(1, 1 << 16), compression="gzip")
            with h5py.File(folder + "/huge_pointers.h5", "w") as h:
                m = h.create_group("matrix")
                m.create_dataset("shape", data=np.array([4, 3], dtype=np.int32))
                m.create_dataset("indptr", shape=(2_000_000_000,), dtype=np.int64, chunks=(1 << 20,), compression="gzip")
                m.create_dataset("indices", data=np.array([0], dtype=np.int32)); m.create_dataset("data", data=np.array([1], dtype=np.float32))
            print("ok")
            """;
        DebianPython.Run("python3-anndata", script, folder.Path);
        foreach (var (file, expected) in new[]
                 {
                     ("huge_data.h5ad", "dataset data declares 2E+09 values, more than a file of"),
                     ("bad_index.h5ad", "inconsistent X (csr_matrix): index 9 at entry 1 is outside 0 to 3"),
                     ("dense_shape.h5ad", "X is 200 x 5000000, but obs has 3 and var 4 rows"),
                     ("huge_pointers.h5", "indptr does not hold 3 + 1 pointers for a 4 x 3 matrix"),
                 })
        {
            Assert.True(new FileInfo(folder[file]).Length < 1 << 20, $"{file} should be small");
            var before = GC.GetTotalAllocatedBytes();
            var error = Assert.Throws<UserInputException>(() => CellDataReader.Read(folder[file]));
            Assert.StartsWith(folder[file] + ": ", error.Message);
            Assert.Contains(expected, error.Message);
            Assert.True(GC.GetTotalAllocatedBytes() - before < 256L << 20, $"{file}: {GC.GetTotalAllocatedBytes() - before} bytes allocated");
        }
    }

    /// <summary>A gzip bomb stops at the inflation cap with a one-line error, and its temporary file is gone.</summary>
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void A_gzipped_hdf5_bomb_stops_at_the_cap_and_leaves_no_temporary_file()
    {
        using var folder = new TempFolder();
        var zeros = new byte[1 << 20];
        using (var gzip = new GZipStream(File.Create(folder["bomb.h5.gz"]), CompressionLevel.Optimal))
            for (var i = 0; i < 256 + 8; i++) gzip.Write(zeros);  // past the 256 MiB cap of a small file
        var temporary = Path.GetTempPath();
        var before = Directory.GetFiles(temporary, "tmp*.tmp").ToHashSet();

        var error = Assert.Throws<UserInputException>(() => TenxH5Reader.Read(folder["bomb.h5.gz"]));

        Assert.Contains("bomb.h5.gz: inflates to more than", error.Message);
        Assert.DoesNotContain(Directory.GetFiles(temporary, "tmp*.tmp"), f => !before.Contains(f) && new FileInfo(f).Length > 1 << 20);
    }
}
