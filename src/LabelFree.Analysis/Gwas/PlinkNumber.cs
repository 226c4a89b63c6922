using System.Globalization;

namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Numbers as plink2 prints them in .glm.linear files: like C's %g with 6 significant digits (trailing zeros dropped,
/// exponent of at least two digits, "e-05"), "NA" for unavailable values. P-values are printed from their logarithm so
/// that values below 1e-308 keep their exponent.
/// </summary>
public static class PlinkNumber
{
    private static readonly double Ln10 = Math.Log(10);

    public static string G6(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return "0";
        var sign = value < 0 ? "-" : "";
        var x = Math.Abs(value);
        var exponent = (int)Math.Floor(Math.Log10(x));
        var mantissa = Digits(x, exponent, out exponent);
        return sign + Layout(mantissa, exponent);
    }

    /// <summary>exp(<paramref name="lnValue"/>) printed like <see cref="G6"/>, also below the double range.</summary>
    public static string FromLn(double lnValue)
    {
        if (double.IsNaN(lnValue)) return "nan";
        if (lnValue > -700) return G6(Math.Exp(lnValue));
        if (double.IsNegativeInfinity(lnValue)) return "0";
        var log10 = lnValue / Ln10;
        var exponent = (int)Math.Floor(log10);
        var m = RoundHalfEven(Math.Pow(10, log10 - exponent + 5));
        if (m >= 1_000_000) { m = 100_000; exponent++; }
        if (m < 100_000) { m = 999_999; exponent--; }
        return Layout(m, exponent);
    }

    // Six significant digits of x as an integer in [100000, 999999], fixing the exponent estimate if it was off by one.
    private static long Digits(double x, int exponentGuess, out int exponent)
    {
        exponent = exponentGuess;
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

    private static double Scale(double x, int power) =>
        power >= 0 ? (power <= 300 ? x * Math.Pow(10, power) : x * 1e300 * Math.Pow(10, power - 300))
                   : (power >= -300 ? x / Math.Pow(10, -power) : x / 1e300 / Math.Pow(10, -power - 300));

    private static string Layout(long mantissa, int exponent)
    {
        var digits = mantissa.ToString(CultureInfo.InvariantCulture).TrimEnd('0');
        if (exponent < -4 || exponent >= 6)
        {
            var head = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            var e = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
            return head + (exponent < 0 ? "e-" : "e+") + e;
        }
        if (exponent < 0) return "0." + new string('0', -exponent - 1) + digits;
        if (digits.Length <= exponent + 1) return digits + new string('0', exponent + 1 - digits.Length);
        return digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }
}
