using System.Runtime;

namespace LabelFree.Core.Training;

/// <summary>
/// Keeps the garbage collector from running during one training step, so that it runs only between steps.
/// <para>
/// Why: TorchSharp 0.107 hands the native handle of a temporary <c>Scalar</c> (the implicit alpha = 1 of every tensor
/// addition, softplus's beta and threshold, a double multiplied into a tensor...) to LibTorch without keeping the managed
/// object alive, and <c>Scalar</c> has a finalizer. A collection during the native call can finalize the scalar while
/// LibTorch reads it, which surfaced as "Unknown scalar type" or "Expected false to be true" after a few hundred to a
/// few thousand scVI steps. Inside a no-GC region no collection happens, so no scalar is finalized in use.
/// If a step allocates more than the budget, the runtime leaves the region by itself (and a collection may happen, as
/// before); disposing then does nothing.
/// </para>
/// </summary>
public readonly struct NoCollectionRegion : IDisposable
{
    /// <summary>Managed allocation budget of one step; a step allocates far less (tensors live in native memory).</summary>
    public const long Budget = 16L << 20;

    private readonly bool _entered;

    private NoCollectionRegion(bool entered) => _entered = entered;

    public static NoCollectionRegion Enter()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return default;  // nested: the outer region covers it
        try
        {
            return new NoCollectionRegion(GC.TryStartNoGCRegion(Budget));
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    public void Dispose()
    {
        if (_entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    }
}
