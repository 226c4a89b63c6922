using System.Buffers.Text;

namespace LabelFree.Analysis.Gwas;

/// <summary>A growable byte buffer for writing result lines without allocating a string per number.</summary>
public sealed class Utf8Line(int capacity = 1 << 16)
{
    private byte[] _data = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _data.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public Utf8Line Append(byte b)
    {
        Ensure(1);
        _data[Length++] = b;
        return this;
    }

    public Utf8Line Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_data.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    public Utf8Line Append(long value)
    {
        Ensure(24);
        Utf8Formatter.TryFormat(value, _data.AsSpan(Length), out var n);
        Length += n;
        return this;
    }

    /// <summary>Appends <paramref name="value"/> as <see cref="PlinkNumber.G6"/> does.</summary>
    public Utf8Line AppendG6(double value)
    {
        Ensure(32);
        Length += PlinkNumber.WriteG6(value, _data.AsSpan(Length));
        return this;
    }

    /// <summary>Appends exp(<paramref name="lnValue"/>) as <see cref="PlinkNumber.FromLn"/> does.</summary>
    public Utf8Line AppendFromLn(double lnValue)
    {
        Ensure(32);
        Length += PlinkNumber.WriteFromLn(lnValue, _data.AsSpan(Length));
        return this;
    }

    private void Ensure(int extra)
    {
        if (Length + extra <= _data.Length) return;
        Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + extra));
    }
}
