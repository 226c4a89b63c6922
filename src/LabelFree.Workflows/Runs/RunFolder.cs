using LabelFree.Core.IO;

namespace LabelFree.Workflows.Runs;

/// <summary>The run folder every workflow writes into: made, then config.json with the command, every setting, the seed, the device and the versions.</summary>
public static class RunFolder
{
    public static string Start<TSettings>(string folder, string command, long seed, string device, TSettings settings)
    {
        Directory.CreateDirectory(folder);
        new RunConfig<TSettings>(command, seed, device, settings, Versions.Current).Write(folder);
        return folder;
    }
}
