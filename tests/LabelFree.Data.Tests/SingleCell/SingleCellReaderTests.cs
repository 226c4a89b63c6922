using System.IO.Compression;
using LabelFree.Core.Errors;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.SingleCell;

public class SingleCellReaderTests
{
    [Fact]
    public void Reads_the_bundled_10x_v2_MatrixMarket_folder()
    {
        var data = CellDataReader.Read(RepoData.File("singlecell/pbmc_small"));
        Assert.Equal(80, data.Cells);
        Assert.Equal(240, data.Genes);
        Assert.Equal(4814, data.Counts.NonZeros);
        Assert.Equal("MS4A1", data.GeneNames[0]);
        Assert.Equal("ATGCCAGAACGACT-1", data.CellNames[0]);
        // First entries of the file: gene 2 and gene 6 of cell 1 hold 1 each.
        var dense = new float[240];
        data.Counts.FillDense([0], dense);
        Assert.Equal(1f, dense[1]);
        Assert.Equal(1f, dense[5]);
    }

    [Fact]
    public void Reads_a_v3_features_folder_uncompressed_and_agrees_with_the_gzipped_v2_one()
    {
        using var folder = new TempFolder();
        var source = RepoData.File("singlecell/pbmc_small");
        Gunzip(Path.Combine(source, "matrix.mtx.gz"), folder["matrix.mtx"]);
        var genes = new List<string>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(source, "genes.tsv.gz")), CompressionMode.Decompress)))
            while (reader.ReadLine() is { } line) genes.Add(line + "\tGene Expression");
        File.WriteAllLines(folder["features.tsv"], genes);
        File.Copy(Path.Combine(source, "barcodes.tsv"), folder["barcodes.tsv"]);

        var v2 = CellDataReader.Read(source);
        var v3 = CellDataReader.Read(folder.Path);
        Assert.Equal(v2.GeneNames, v3.GeneNames);
        Assert.Equal(v2.Counts.Values, v3.Counts.Values);
        Assert.Equal(v2.Counts.ColumnIndex, v3.Counts.ColumnIndex);
    }

    [Fact]
    public void Reads_the_bundled_10x_hdf5_gzipped()
    {
        var data = CellDataReader.Read(RepoData.File("singlecell/visium_mouse_brain/filtered_feature_bc_matrix.h5.gz"));
        Assert.Equal(2695, data.Cells);
        Assert.Equal(100, data.Genes);
        Assert.Equal(50355, data.Counts.NonZeros);
        Assert.All(data.GeneIds, id => Assert.StartsWith("ENSMUSG", id));
        data.Counts.RequireCounts("visium");
    }

    [Fact]
    public void Non_integer_counts_are_refused_with_the_cell_and_gene()
    {
        var counts = new SparseCounts(2, 3, [0, 1, 2], [0, 2], [3f, 0.5f]);
        var e = Assert.Throws<UserInputException>(() => counts.RequireCounts("x.h5ad"));
        Assert.Contains("x.h5ad: scVI models raw counts, but cell 2 gene 3 holds 0.5", e.Message);
    }

    [Fact]
    public void H5ad_round_trips_counts_names_obs_and_obsm()
    {
        using var folder = new TempFolder();
        var data = CountSimulator.Simulate(new SimulationOptions { Cells = 50, Genes = 30 }, seed: 3);
        var latent = new float[50, 2];
        for (var i = 0; i < 50; i++) latent[i, 1] = i;
        H5adWriter.Write(folder["a.h5ad"], data, new Dictionary<string, float[,]> { ["X_scVI"] = latent });

        var back = CellDataReader.Read(folder["a.h5ad"]);
        Assert.Equal(data.CellNames, back.CellNames);
        Assert.Equal(data.GeneNames, back.GeneNames);
        Assert.Equal(data.Counts.Values, back.Counts.Values);
        Assert.Equal(data.Counts.RowStart, back.Counts.RowStart);
        Assert.Equal(data.Obs["batch"], back.Obs["batch"]);
        Assert.Equal(data.Obs["cell_type"], back.Obs["cell_type"]);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Anndata_opens_our_h5ad_and_we_read_anndatas_dense_and_csc_files()
    {
        using var folder = new TempFolder();
        var data = CountSimulator.Simulate(new SimulationOptions { Cells = 40, Genes = 12 }, seed: 5);
        var latent = new float[40, 3];
        for (var i = 0; i < 40; i++) latent[i, 2] = i / 2f;
        H5adWriter.Write(folder["ours.h5ad"], data, new Dictionary<string, float[,]> { ["X_scVI"] = latent });

        var script = """
            import sys, anndata, numpy as np, scipy.sparse as sp
            a = anndata.read_h5ad(sys.argv[1])
            print(a.n_obs, a.n_vars, type(a.X).__name__, int(a.X.sum()))
            print(",".join(a.obs_names[:2]), ",".join(a.var_names[:2]))
            print(str(a.obs["batch"].dtype), ",".join(a.obs["batch"][:3]))
            print(a.obsm["X_scVI"].shape, float(a.obsm["X_scVI"][5, 2]))
            b = a.copy(); b.X = b.X.toarray().astype(np.float32); b.write_h5ad(sys.argv[2])
            c = a.copy(); c.X = sp.csc_matrix(c.X); c.write_h5ad(sys.argv[3])
            """;
        var lines = DebianPython.Run("python3-anndata", script, folder["ours.h5ad"], folder["dense.h5ad"], folder["csc.h5ad"]);

        var total = (long)data.Counts.Values.Sum(v => (double)v);
        Assert.Equal($"40 12 csr_matrix {total}", lines[0]);
        Assert.Equal("cell1,cell2 gene1,gene2", lines[1]);
        Assert.Equal("category " + string.Join(",", data.Obs["batch"][..3]), lines[2]);
        Assert.Equal("(40, 3) 2.5", lines[3]);
        foreach (var name in new[] { "dense.h5ad", "csc.h5ad" })
        {
            var back = CellDataReader.Read(folder[name]);
            Assert.Equal(data.Counts.Values, back.Counts.Values);
            Assert.Equal(data.Counts.ColumnIndex, back.Counts.ColumnIndex);
            Assert.Equal(data.Obs["cell_type"], back.Obs["cell_type"]);
        }
    }

    [Fact]
    public void Simulation_is_seeded_and_has_types_and_batches()
    {
        var options = new SimulationOptions { Cells = 300, Genes = 100, CellTypes = 3, Batches = 2 };
        var a = CountSimulator.Simulate(options, seed: 1);
        var b = CountSimulator.Simulate(options, seed: 1);
        var c = CountSimulator.Simulate(options, seed: 2);
        Assert.Equal(a.Counts.Values, b.Counts.Values);
        Assert.NotEqual(a.Counts.Values, c.Counts.Values);
        Assert.Equal(3, a.Obs["cell_type"].Distinct().Count());
        Assert.Equal(2, a.Obs["batch"].Distinct().Count());
        var meanLibrary = a.Counts.RowSums().Average();
        Assert.InRange(meanLibrary, 1000, 4000);  // exp(7.6) is about 2,000
    }

    private static void Gunzip(string from, string to)
    {
        using var input = new GZipStream(File.OpenRead(from), CompressionMode.Decompress);
        using var output = File.Create(to);
        input.CopyTo(output);
    }
}
