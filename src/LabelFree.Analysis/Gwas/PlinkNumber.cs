using System.Text;

namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Numbers as plink2 prints them in .glm.linear files: like C's %g with 6 significant digits (trailing zeros dropped,
/// exponent of at least two digits, "e-05"), half-even rounding. P-values are printed from their logarithm so that
/// values below 1e-308 keep their exponent.
/// </summary>
public static class PlinkNumber
{
    private static readonly double Ln10 = Math.Log(10);
    private static readonly double[] Powers = Enumerable.Range(0, 309).Select(i => Math.Pow(10, i)).ToArray();

    public static string G6(double value)
    {
        Span<byte> buffer = stackalloc byte[32];
        return Encoding.ASCII.GetString(buffer[..WriteG6(value, buffer)]);
    }

    /// <summary>exp(<paramref name="lnValue"/>) printed like <see cref="G6"/>, also below the double range.</summary>
    public static string FromLn(double lnValue)
    {
        Span<byte> buffer = stackalloc byte[32];
        return Encoding.ASCII.GetString(buffer[..WriteFromLn(lnValue, buffer)]);
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least 32 bytes); returns the length.</summary>
    public static int WriteG6(double value, Span<byte> destination)
    {
        if (double.IsNaN(value)) return Ascii("nan", destination);
        if (double.IsInfinity(value)) return Ascii(value > 0 ? "inf" : "-inf", destination);
        if (value == 0) return Ascii("0", destination);
        var start = 0;
        if (value < 0)
        {
            destination[start++] = (byte)'-';
            value = -value;
        }
        var exponent = (int)Math.Floor(Math.Log10(value));
        var mantissa = Digits(value, ref exponent);
        return start + Layout(mantissa, exponent, destination[start..]);
    }

    public static int WriteFromLn(double lnValue, Span<byte> destination)
    {
        if (double.IsNaN(lnValue)) return Ascii("nan", destination);
        if (lnValue > -700) return WriteG6(Math.Exp(lnValue), destination);
        if (double.IsNegativeInfinity(lnValue)) return Ascii("0", destination);
        var log10 = lnValue / Ln10;
        var exponent = (int)Math.Floor(log10);
        var m = RoundHalfEven(Math.Pow(10, log10 - exponent + 5));
        if (m >= 1_000_000) { m = 100_000; exponent++; }
        if (m < 100_000) { m = 999_999; exponent--; }
        return Layout(m, exponent, destination);
    }

    // Six significant digits of x as an integer in [100000, 999999], fixing the exponent estimate if it was off by one.
    private static long Digits(double x, ref int exponent)
    {
        var m = RoundHalfEven(Scale(x, 5 - exponent));
        if (m < 100_000)
        {
            exponent--;
            m = RoundHalfEven(Scale(x, 5 - exponent));
        }
        if (m >= 1_000_000)
        {
            exponent++;
            m = RoundHalfEven(Scale(x, 5 - exponent));
            if (m >= 1_000_000) { m = 100_000; exponent++; }
        }
        return m;
    }

    // Round half to even, treating values within 1e-8 of a half as a half: plink2's rounding, which keeps
    // 0.1265625 (exactly representable, but scaled with a rounding error) printing as 0.126562.
    private static long RoundHalfEven(double value)
    {
        var floor = Math.Floor(value);
        var fraction = value - floor;
        var whole = (long)floor;
        if (Math.Abs(fraction - 0.5) < 1e-8) return whole % 2 == 0 ? whole : whole + 1;
        return fraction < 0.5 ? whole : whole + 1;
    }

    private static double Scale(double x, int power)
    {
        if (power >= 0) return power <= 308 ? x * Powers[power] : x * 1e300 * Powers[power - 300];
        return -power <= 308 ? x / Powers[-power] : x / 1e300 / Powers[-power - 300];
    }

    private static int Layout(long mantissa, int exponent, Span<byte> d)
    {
        Span<byte> digits = stackalloc byte[6];
        for (var i = 5; i >= 0; i--)
        {
            digits[i] = (byte)('0' + mantissa % 10);
            mantissa /= 10;
        }
        var count = 6;
        while (count > 1 && digits[count - 1] == '0') count--;
        var n = 0;
        if (exponent < -4 || exponent >= 6)
        {
            d[n++] = digits[0];
            if (count > 1)
            {
                d[n++] = (byte)'.';
                for (var i = 1; i < count; i++) d[n++] = digits[i];
            }
            d[n++] = (byte)'e';
            d[n++] = (byte)(exponent < 0 ? '-' : '+');
            var e = Math.Abs(exponent);
            if (e >= 100) d[n++] = (byte)('0' + e / 100);
            d[n++] = (byte)('0' + e / 10 % 10);
            d[n++] = (byte)('0' + e % 10);
            return n;
        }
        if (exponent < 0)
        {
            d[n++] = (byte)'0';
            d[n++] = (byte)'.';
            for (var i = 0; i < -exponent - 1; i++) d[n++] = (byte)'0';
            for (var i = 0; i < count; i++) d[n++] = digits[i];
            return n;
        }
        for (var i = 0; i <= exponent; i++) d[n++] = i < count ? digits[i] : (byte)'0';
        if (count > exponent + 1)
        {
            d[n++] = (byte)'.';
            for (var i = exponent + 1; i < count; i++) d[n++] = digits[i];
        }
        return n;
    }

    private static int Ascii(string text, Span<byte> destination)
    {
        for (var i = 0; i < text.Length; i++) destination[i] = (byte)text[i];
        return text.Length;
    }
}
