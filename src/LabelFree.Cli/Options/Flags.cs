using System.CommandLine;
using System.Runtime.CompilerServices;
using LabelFree.Core.Errors;

namespace LabelFree.Cli.Options;

/// <summary>
/// Ties command-line flags to the settings lower layers name in their errors (<see cref="SettingException"/>): a
/// setting maps to the option of the running command registered for it with <see cref="Sets{T}"/>, or else to the
/// option named after it (<c>batch_size</c> to <c>--batch-size</c>).
/// </summary>
public static class Flags
{
    private static readonly ConditionalWeakTable<Option, string> SettingOf = [];

    /// <summary>Registers <paramref name="option"/> as the flag that sets <paramref name="setting"/> (a snake-case name).</summary>
    public static T Sets<T>(this T option, string setting) where T : Option
    {
        SettingOf.AddOrUpdate(option, setting);
        return option;
    }

    /// <summary>The flag of <paramref name="command"/> (or a command above it) that sets <paramref name="setting"/>, or null.</summary>
    public static string? FlagFor(Command? command, string setting)
    {
        var conventional = "--" + setting.Replace('_', '-');
        for (var c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            var options = c.Options;
            if (options.FirstOrDefault(o => SettingOf.TryGetValue(o, out var s) && s == setting) is { } registered) return registered.Name;
            if (options.FirstOrDefault(o => o.Name == conventional && !SettingOf.TryGetValue(o, out _)) is { } named) return named.Name;
        }
        return null;
    }

    /// <summary>
    /// Accepts only <paramref name="values"/> (each token, for a list option), reporting another value on one line
    /// (System.CommandLine's AcceptOnlyFromAmong lists the choices over several lines).
    /// </summary>
    public static Option<T> OneOf<T>(this Option<T> option, params string[] values)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => !values.Contains(t.Value)) is { } bad)
                result.AddError($"{option.Name}: expected {string.Join(", ", values.SkipLast(1))} or {values[^1]}, got '{bad.Value}'");
        });
        return option;
    }

    /// <summary>Adds a check that a number given for the option is above zero.</summary>
    public static Option<T> Positive<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var value) && !(value > 0))
                result.AddError($"{option.Name}: expected a positive number, got {result.Tokens[0].Value}");
        });
        return option;
    }

    /// <summary>Adds a check that a number given for the option is finite and above zero (no NaN, no infinity).</summary>
    public static Option<T> PositiveFinite<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && !(value > 0 && double.IsFinite(value)))
                result.AddError($"{option.Name}: expected a positive finite number, got {result.Tokens[0].Value}");
        });
        return option;
    }

    /// <summary>Adds a check that a number given for the option is zero or more.</summary>
    public static Option<T> NonNegative<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && !(value >= 0 && double.IsFinite(value)))
                result.AddError($"{option.Name}: expected zero or more, got {result.Tokens[0].Value}");
        });
        return option;
    }
}
