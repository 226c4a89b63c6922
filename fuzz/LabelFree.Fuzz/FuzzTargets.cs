using System.Text;
using LabelFree.Core.Models;
using LabelFree.Data.Ehr;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Imaging;
using LabelFree.Data.Sequences;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using static TorchSharp.torch;

namespace LabelFree.Fuzz;

/// <summary>
/// One reader under fuzzing: the input's file name inside a work folder, how to write a valid seed and the companion
/// files the reader needs beside the input (a PLINK fileset's other two files, an MTX's genes and barcodes), and the
/// read itself. A <see cref="LabelFree.Core.Errors.UserInputException"/> is the reader's answer to a bad file; any
/// other exception, a hang or a managed allocation over <see cref="HeapCap"/> is a finding. <see cref="Text"/> says
/// whether line-level mutations make sense (tests/LabelFree.Data.Tests/MalformedInputTests.cs uses the same targets).
/// </summary>
public sealed record FuzzTarget(string Name, string FileName, bool Text, Action<string> WriteSeedAndCompanions, Action<string, string> Read)
{
    /// <summary>The managed allocation a read of a file of a few KB may make.</summary>
    public long HeapCap { get; init; } = 256L << 20;

    /// <summary>The input's path in <paramref name="folder"/>.</summary>
    public string InputPath(string folder) => Path.Combine(folder, FileName);

    /// <summary>
    /// Reads the input in <paramref name="folder"/>: true when read, false when refused with a user error. Throws on any
    /// other exception, and when the reader left the input open (it must be closed on every path, refusals included).
    /// </summary>
    public bool ReadOrRefuse(string folder)
    {
        try
        {
            Read(folder, InputPath(folder));
            return true;
        }
        catch (LabelFree.Core.Errors.UserInputException)
        {
            return false;
        }
        finally
        {
            RequireClosed(folder);
        }
    }

    /// <summary>Throws when the input in <paramref name="folder"/> is still open (it cannot be opened exclusively).</summary>
    public void RequireClosed(string folder)
    {
        try
        {
            using var exclusive = new FileStream(InputPath(folder), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(InputPath(folder)))
        {
            throw new InvalidOperationException($"{Name}: the reader left {FileName} open ({e.Message})");
        }
    }
}

/// <summary>The readers fuzzed by fuzz/run.sh, by name.</summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new("nifti", "scan.nii", Text: false, folder => NiftiWriter.Write(Path.Combine(folder, "scan.nii"),
                NiftiImage.Create([6, 5, 4], Enumerable.Range(0, 120).Select(i => (float)i).ToArray(), [1.5, 1, 2])),
            (_, path) => NiftiReader.Read(path)),
        Text("fasta", "seqs.fa", ">r1 first\nACGTacgtNN\nGGCA\n>r2\nTTTTRYKM\n>r3\nacgt\n", (_, path) => FastaReader.Read(path)),
        Text("vcf", "calls.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nr1\t3\tv1\tG\tA\t.\t.\t.\nr1\t5\t.\tA\tAT\t.\t.\t.\nr2\t2\tv3\tTT\tT\t.\t.\t.\n",
            (_, path) => VcfReader.Read(path)),
        Text("seqtable", "table.csv", "id,sequence,label\na,ACGTAC,1\nb,\"GGTTAA\",0\nc,acgtnn,1\n", (_, path) => LabelledSequenceTable.Read(path, idColumn: "id")),
        new("events", "events.csv", Text: true, folder =>
            {
                File.WriteAllText(Path.Combine(folder, "events.csv"), Events);
                File.WriteAllText(Path.Combine(folder, "patients_ok.csv"), Patients);
            },
            (folder, path) => EhrReader.Read(path, Path.Combine(folder, "patients_ok.csv"))),
        new("patients", "patients.csv", Text: true, folder =>
            {
                File.WriteAllText(Path.Combine(folder, "patients.csv"), Patients);
                File.WriteAllText(Path.Combine(folder, "events_ok.csv"), Events);
            },
            (folder, path) => EhrReader.Read(Path.Combine(folder, "events_ok.csv"), path)),
        Plink("fam"), Plink("bim"), Plink("bed"),
        new("mtx", "matrix.mtx", Text: true, folder =>
            {
                File.WriteAllLines(Path.Combine(folder, "genes.tsv"), ["g1\tA", "g2\tB", "g3\tC"]);
                File.WriteAllLines(Path.Combine(folder, "barcodes.tsv"), ["c1", "c2"]);
                File.WriteAllText(Path.Combine(folder, "matrix.mtx"), "%%MatrixMarket matrix coordinate integer general\n%\n3 2 4\n1 1 4\n3 1 1\n2 2 7\n3 2 2\n");
            },
            (folder, _) => CellDataReader.Read(folder)),
        new("h5ad", "cells.h5ad", Text: false, folder => H5adWriter.Write(Path.Combine(folder, "cells.h5ad"),
                CountSimulator.Simulate(new SimulationOptions { Cells = 12, Genes = 6, CellTypes = 2, Batches = 2 }, seed: 1), new Dictionary<string, float[,]>()),
            (_, path) => CellDataReader.Read(path))
        {
            // PureHDF reads an object header or heap block into a new array of the size the file states before checking
            // it, so a corrupted size makes it allocate up to 2 GiB for a moment before the read fails: the cap is that
            // bound, not the file's size (LabelFree's own dataset checks, HdfFile.RequireFits, come after PureHDF's parsing).
            HeapCap = 2200L << 20,
        },
        new("safetensors", "model.safetensors", Text: false, folder =>
            {
                using var scope = NewDisposeScope();
                Safetensors.Save(Path.Combine(folder, "model.safetensors"),
                    new Dictionary<string, Tensor> { ["w"] = arange(12, dtype: float32).reshape(3, 4), ["b"] = ones(4, dtype: float64) },
                    new Dictionary<string, string> { ["format"] = "pt" });
            },
            (_, path) =>
            {
                foreach (var tensor in Safetensors.Load(path).Values) tensor.Dispose();
            }),
        Bgen("bgen-zlib", BgenCompression.Zlib, phased: false),
        Bgen("bgen-zstd", BgenCompression.Zstd, phased: true),
        Bgen("bgen-none", BgenCompression.None, phased: false),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    private const string Events = "patient,days,code,value\np1,0,E11,\np1,30,chol,5.2\np2,-10,I10,\np2,400,death_like,\n";
    private const string Patients = "patient,sex,age,end,death\np1,F,54,900,0\np2,M,61.5,420,1\n";

    private static FuzzTarget Text(string name, string fileName, string seed, Action<string, string> read) =>
        new(name, fileName, Text: true, folder => File.WriteAllText(Path.Combine(folder, fileName), seed, Encoding.ASCII), read);

    /// <summary>A BGEN v1.2 file (layout 2, 8 bits per probability) of 6 samples and 3 variants, one sample missing in one variant; the read lists the variants and every dosage.</summary>
    private static FuzzTarget Bgen(string name, BgenCompression compression, bool phased) => new(name, "x.bgen", Text: false, folder =>
        {
            var samples = Enumerable.Range(0, 6).Select(i => $"s{i}").ToArray();
            var records = Enumerable.Range(0, 3).Select(j => new BgenRecord(new BgenVariant($"v{j}", $"rs{j}", "1", 10 + j, "A", "G"),
                Enumerable.Range(0, 12).Select(k => (k * 7 + j) % 5 / 8.0).ToArray(), [false, j == 1, false, false, false, false])).ToArray();
            BgenWriter.Write(Path.Combine(folder, "x.bgen"), samples, records.Length, records, new BgenWriteOptions(8, compression, phased));
        },
        (folder, path) =>
        {
            using var bgen = BgenFile.Open(path);
            _ = bgen.Variants().ToList();
            var x = new double[bgen.VariantCount * bgen.SampleCount];
            var missing = Enumerable.Range(0, (int)bgen.VariantCount).Select(v => new List<int>()).ToArray();
            bgen.ReadDosages(0, (int)bgen.VariantCount, x, bgen.SampleCount, missing, countAllele2: true, plink2Grid: true);
        });

    /// <summary>One file of a PLINK 1 fileset fuzzed while the other two stay valid; the read opens the set, lists the variants and reads every genotype.</summary>
    private static FuzzTarget Plink(string extension) => new(extension, "x." + extension, Text: extension != "bed", folder =>
        {
            FamSample[] samples = [new("F1", "A"), new("F1", "B", "A", "0"), new("F2", "C"), new("F3", "D"), new("F4", "E")];
            BimVariant[] variants = [new("1", "rs1", 0, 10, "G", "T"), new("1", "rs2", 0.5, 20, "C", "A"), new("2", "rs3", 0, 5, "A", "G")];
            BedWriter.Write(Path.Combine(folder, "x"), samples, variants, [[2, 1, 0, -1, 2], [0, 0, 1, 1, -1], [1, 1, 1, 2, 0]]);
        },
        (folder, input) =>
        {
            using var fileset = PlinkFileset.Open(Path.Combine(folder, "x"));
            _ = fileset.Variants().ToList();
            var packed = new byte[fileset.VariantCount * fileset.Bed.BytesPerVariant];
            fileset.Bed.ReadPacked(0, (int)fileset.VariantCount, packed);
        });
}
