using LabelFree.Fuzz;
using SharpFuzz;

// fuzz TARGET            AFL++ target: reads each input from AFL (SharpFuzz, out of process) into TARGET's file
// seed TARGET DIR        writes TARGET's valid seed input into DIR (the start of its corpus)
// replay TARGET FILE...  reads each FILE as TARGET's input; prints what each did; exit 1 on a finding
// list                   each target's name and managed-heap cap in bytes, tab-separated, one per line
// LABELFREE_FUZZ_LOG=FILE  in fuzz mode, appends each finding's exception to FILE (AFL keeps only the input)
if (args is ["list"])
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name}\t{t.HeapCap}");
    return 0;
}
if (args.Length < 2 || FuzzTargets.Find(args[1]) is not { } target)
{
    Console.Error.WriteLine($"usage: LabelFree.Fuzz fuzz|seed|replay TARGET [...]; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return 2;
}
var work = Directory.CreateTempSubdirectory($"labelfree-fuzz-{target.Name}-").FullName;
try
{
    // Instrumented code may run only inside Fuzzer.OutOfProcess.Run, where AFL's coverage map is attached: in fuzz mode
    // the companion files are written by the first execution.
    if (args[0] != "fuzz") target.WriteSeedAndCompanions(work);
    var prepared = false;
    switch (args[0])
    {
        case "seed":
            Directory.CreateDirectory(args[2]);
            File.Copy(target.InputPath(work), Path.Combine(args[2], "seed-" + target.FileName), overwrite: true);
            return 0;
        case "fuzz":
            Fuzzer.OutOfProcess.Run(stream =>
            {
                try
                {
                    if (!prepared) target.WriteSeedAndCompanions(work);
                    prepared = true;
                    using (var file = File.Create(target.InputPath(work))) stream.CopyTo(file);
                    target.ReadOrRefuse(work);
                }
                catch (Exception e) when (Environment.GetEnvironmentVariable("LABELFREE_FUZZ_LOG") is { } log)
                {
                    File.AppendAllText(log, $"{e}\n");
                    throw;
                }
            });
            return 0;
        case "replay":
            var findings = 0;
            foreach (var input in args.Skip(2))
            {
                File.Copy(input, target.InputPath(work), overwrite: true);
                try
                {
                    Console.WriteLine($"{input}: {(target.ReadOrRefuse(work) ? "read" : "refused")}");
                }
                catch (Exception e)
                {
                    findings++;
                    var at = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("LabelFree.", StringComparison.Ordinal))?.Trim();
                    Console.WriteLine($"{input}: FINDING {e.GetType().Name}: {e.Message} ({at})");
                }
            }
            return findings == 0 ? 0 : 1;
        default:
            Console.Error.WriteLine($"unknown mode '{args[0]}': expected fuzz, seed or replay");
            return 2;
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}
