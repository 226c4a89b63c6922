using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Fuzz;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests;

/// <summary>
/// A malformed-input corpus (issue 20): for each reader fuzzed by fuzz/run.sh (<see cref="FuzzTargets"/>: the same
/// valid seed, companion files and read), the seed is broken 60 seeded ways (truncated, bytes overwritten, lines dropped,
/// repeated or replaced by noise), and the reader either reads the result or refuses it with one
/// <see cref="UserInputException"/> line naming the file: never another exception, a hang, or a managed allocation over
/// the target's cap. The coverage-guided fuzzing explores further; this runs in every test run.
/// </summary>
public class MalformedInputTests
{
    private const int CasesPerFormat = 60;

    /// <summary>Seeded ways to break <paramref name="valid"/>; line-level ones only for text.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> Mutations(byte[] valid, bool text, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < CasesPerFormat; i++)
        {
            var kind = i % (text ? 5 : 3);
            var bytes = (byte[])valid.Clone();
            switch (kind)
            {
                case 0:
                    var cut = random.Next(0, valid.Length);
                    yield return ($"truncated at {cut}", bytes[..cut]);
                    break;
                case 1:
                    var flips = random.Next(1, 9);
                    for (var f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    yield return ($"{flips} bytes overwritten", bytes);
                    break;
                case 2:
                    var at = random.Next(Math.Min(bytes.Length, 400));
                    var value = new[] { 0x00, 0xff, 0x7f, 0x80 }[random.Next(4)];
                    for (var k = at; k < Math.Min(bytes.Length, at + 8); k++) bytes[k] = (byte)value;
                    yield return ($"8 bytes at {at} set to {value:x2}", bytes);
                    break;
                default:
                    var lines = Encoding.UTF8.GetString(valid).Split('\n').ToList();
                    var line = random.Next(lines.Count);
                    var noise = new[] { "", "\t\t", "x,y", "-1 -1 -1", "\"", "NaN\tNaN\tNaN", new string('9', 40), "1e999,2,3" }[random.Next(8)];
                    if (kind == 3) lines.RemoveAt(line);
                    else lines[line] = noise;
                    yield return (kind == 3 ? $"line {line + 1} removed" : $"line {line + 1} replaced by '{noise}'", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
                    break;
            }
        }
    }

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_mutation_is_read_or_refused_with_one_line_naming_the_file(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var failures = Failures(target);
        Assert.True(failures.Count == 0, $"{target.FileName}:\n" + string.Join("\n", failures));
    }

    /// <summary>What went wrong when each mutation of the target's seed was read.</summary>
    private static List<string> Failures(FuzzTarget target)
    {
        using var folder = new TempFolder();
        target.WriteSeedAndCompanions(folder.Path);
        var path = target.InputPath(folder.Path);
        var valid = File.ReadAllBytes(path);
        void Read() => target.Read(folder.Path, path);
        Read();  // the valid file reads
        var failures = new List<string>();
        var seed = FuzzTargets.All.ToList().IndexOf(target) + 1;
        foreach (var (mutation, bytes) in Mutations(valid, target.Text, seed))
        {
            File.WriteAllBytes(path, bytes);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var task = Task.Run(Read);
            try
            {
                if (!task.Wait(TimeSpan.FromSeconds(20))) failures.Add($"{mutation}: no answer in 20 s");
            }
            catch (AggregateException e) when (e.InnerException is UserInputException user)
            {
                if (!user.Message.Contains(target.FileName, StringComparison.Ordinal) && !user.Message.Contains(folder.Path, StringComparison.Ordinal))
                    failures.Add($"{mutation}: the error does not name the file: {user.Message}");
                if (user.Message.Contains('\n')) failures.Add($"{mutation}: the error spans lines: {user.Message}");
            }
            catch (AggregateException e)
            {
                failures.Add($"{mutation}: {e.InnerException!.GetType().Name}: {e.InnerException.Message.Split('\n')[0]}");
            }
            try
            {
                target.RequireClosed(folder.Path);
            }
            catch (InvalidOperationException e)
            {
                failures.Add($"{mutation}: {e.Message}");
            }
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            if (allocated > target.HeapCap) failures.Add($"{mutation}: {allocated >> 20} MiB allocated for a {bytes.Length}-byte file");
        }
        return failures;
    }
}
