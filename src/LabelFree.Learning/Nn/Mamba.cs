using LabelFree.Core.Errors;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// The sizes of a <see cref="Mamba"/> block (the reference's <c>Mamba(d_model, d_state=16, d_conv=4, expand=2)</c>,
/// dt_rank = ceil(d_model / 16), Δ initialised between 0.001 and 0.1).
/// </summary>
public sealed record MambaConfig
{
    public int Model { get; init; }
    public int State { get; init; } = 16;
    public int Conv { get; init; } = 4;
    public int Expand { get; init; } = 2;

    /// <summary>The rank of Δ's projection; null is the reference's "auto", ceil(Model / 16).</summary>
    public int? DtRank { get; init; }

    public double DtMin { get; init; } = 0.001;
    public double DtMax { get; init; } = 0.1;
    public double DtInitFloor { get; init; } = 1e-4;

    public int Inner => Expand * Model;

    public int Rank => DtRank ?? (Model + 15) / 16;

    public MambaConfig Validate()
    {
        if (Model < 1) throw new SettingException("mamba_model", $"expected a positive width, got {Model}");
        if (State < 1) throw new SettingException("mamba_state", $"expected a positive number of states, got {State}");
        if (Conv < 1) throw new SettingException("mamba_conv", $"expected a positive convolution width, got {Conv}");
        if (Expand < 1) throw new SettingException("mamba_expand", $"expected a positive expansion, got {Expand}");
        if (DtRank is < 1) throw new SettingException("mamba_dt_rank", $"expected a positive rank, got {DtRank}");
        if (!(DtMin > 0 && DtMin <= DtMax)) throw new SettingException("mamba_dt_min", $"expected 0 < dt_min <= dt_max, got {DtMin} and {DtMax}");
        return this;
    }
}

/// <summary>
/// Mamba's selective state-space block (Gu and Dao 2023; the reference's <c>mamba_simple.Mamba</c> without its
/// inference cache): (B, L, H) -> (B, L, H). The input is projected to x and a gate z (each H x expand wide); x goes
/// through a causal depthwise convolution and SiLU, then makes the input-dependent Δ (a rank-r projection, softplus
/// with a bias), B and C; the scan (<see cref="SelectiveScan"/>) runs with A = -exp(A_log) and the D skip, is gated by
/// silu(z) and projected back. Initialisation as the reference: A_log = log(1..N) per channel (S4D-real), D = 1, Δ's
/// bias the inverse softplus of values log-uniform in [dt_min, dt_max], Δ's weights uniform in ±rank^-1/2, the other
/// layers PyTorch's defaults.
/// </summary>
public sealed class Mamba : Module<Tensor, Tensor>
{
    private readonly MambaConfig _config;
    private readonly Linear _inProj;
    private readonly Conv1d _conv;
    private readonly Linear _xProj;
    private readonly Linear _dtProj;
    private readonly Parameter _aLog;
    private readonly Parameter _d;
    private readonly Linear _outProj;

    public Mamba(MambaConfig config) : base(nameof(Mamba))
    {
        _config = config.Validate();
        var inner = config.Inner;
        _inProj = Linear(config.Model, 2 * inner, hasBias: false);
        _conv = Conv1d(inner, inner, config.Conv, groups: inner, padding: config.Conv - 1, bias: true);
        _xProj = Linear(inner, config.Rank + 2 * config.State, hasBias: false);
        _dtProj = Linear(config.Rank, inner, hasBias: true);
        _aLog = Parameter(log(arange(1, config.State + 1, dtype: ScalarType.Float32)).repeat(inner, 1));  // (D, N)
        _d = Parameter(ones(inner));
        _outProj = Linear(inner, config.Model, hasBias: false);
        RegisterComponents();

        using var noGrad = no_grad();
        var std = Math.Pow(config.Rank, -0.5);
        init.uniform_(_dtProj.weight, -std, std);
        var dt = exp(rand(inner) * (Math.Log(config.DtMax) - Math.Log(config.DtMin)) + Math.Log(config.DtMin)).clamp_min(config.DtInitFloor);
        _dtProj.bias!.copy_(dt + log(-expm1(-dt)));                                         // softplus^-1(dt)
    }

    public override Tensor forward(Tensor input)
    {
        var length = input.shape[1];
        var (rank, states) = (_config.Rank, _config.State);
        var xz = _inProj.call(input).transpose(1, 2);                                       // (B, 2D, L)
        var halves = xz.chunk(2, 1);                                                          // 2 x (B, D, L)
        var x = functional.silu(_conv.call(halves[0]).narrow(2, 0, length));                 // (B, D, L), causal
        var projected = _xProj.call(x.transpose(1, 2));                                       // (B, L, r + 2N)
        var parts = projected.split([rank, states, states], -1);
        var dt = parts[0].matmul(_dtProj.weight!.t()).transpose(1, 2);                       // (B, D, L), bias added in the scan
        var b = parts[1].transpose(1, 2).contiguous();                                        // (B, N, L)
        var c = parts[2].transpose(1, 2).contiguous();                                        // (B, N, L)
        var a = -exp(_aLog);                                                                  // (D, N)
        var y = SelectiveScan.Apply(x, dt, a, b, c, _d, halves[1], _dtProj.bias, deltaSoftplus: true);  // (B, D, L)
        return _outProj.call(y.transpose(1, 2));                                              // (B, L, H)
    }
}
