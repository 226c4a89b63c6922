using System.Runtime.InteropServices;

namespace LabelFree.Core.Torch;

/// <summary>Loads shared libraries into the process's global symbol scope (dlopen RTLD_NOW | RTLD_GLOBAL).</summary>
internal static partial class NativeLoader
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "dlerror")]
    private static partial nint DlError();

    /// <summary>Loads <paramref name="path"/> so that its symbols resolve for every library loaded after it.</summary>
    public static void LoadGlobal(string path)
    {
        if (DlOpen(path, RtldNow | RtldGlobal) != 0) return;
        var reason = Marshal.PtrToStringUTF8(DlError()) ?? "unknown reason";
        throw new DllNotFoundException($"cannot load {path}: {reason}");
    }
}
