using LabelFree.Fuzz;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests;

/// <summary>
/// Every input in the fuzzing corpora (fuzz/corpus: the inputs AFL++ kept for their coverage) and every past finding
/// (fuzz/regressions) read through its target as fuzz/run.sh reads it: each is read or refused with a user error, never
/// another exception, and the reader closes the file either way.
/// </summary>
public class FuzzCorpusTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_and_past_findings_are_read_or_refused_with_a_user_error(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var inputs = new[] { "corpus", "regressions" }.Select(kind => Path.Combine(RepoData.RepositoryRoot, "fuzz", kind, name)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles).ToList();
        Assert.NotEmpty(inputs);
        using var folder = new TempFolder();
        target.WriteSeedAndCompanions(folder.Path);
        var refused = 0;
        foreach (var input in inputs)
        {
            File.Copy(input, target.InputPath(folder.Path), overwrite: true);
            if (!target.ReadOrRefuse(folder.Path)) refused++;
        }
        Assert.True(refused < inputs.Count, $"{name}: every input is refused (the corpus keeps the valid seed, so its success path must be replayed)");
    }
}
