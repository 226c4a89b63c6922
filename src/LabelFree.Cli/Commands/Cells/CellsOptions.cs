using System.CommandLine;
using LabelFree.Learning.Methods.Scvi;

namespace LabelFree.Cli.Commands.Cells;

/// <summary>Options more than one cells command takes.</summary>
public static class CellsOptions
{
    public static Option<GeneLikelihood> Likelihood() => new("--likelihood")
    {
        Description = "zinb (scvi-tools' default) or nb",
        DefaultValueFactory = _ => GeneLikelihood.Zinb,
        CustomParser = result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "zinb";
            if (Enum.TryParse<GeneLikelihood>(value, ignoreCase: true, out var parsed)) return parsed;
            result.AddError($"--likelihood: expected zinb or nb, got '{value}'");
            return GeneLikelihood.Zinb;
        },
    };

    public static Option<string?> Layer() => new("--layer") { Description = "Read counts from this h5ad layer instead of X" };
}
