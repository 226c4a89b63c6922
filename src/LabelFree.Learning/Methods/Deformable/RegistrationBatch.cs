using static TorchSharp.torch;

using LabelFree.Learning.Registration;

namespace LabelFree.Learning.Methods.Deformable;

/// <summary>A batch of image pairs on a <see cref="RegistrationGrid"/>, each (B, 1, *S).</summary>
public sealed record RegistrationBatch(Tensor Fixed, Tensor Moving);
