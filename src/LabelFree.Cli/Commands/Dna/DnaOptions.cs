using System.CommandLine;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary>Options more than one dna command takes.</summary>
public static class DnaOptions
{
    public static Option<string> Model() => new("--model") { Description = "Model folder (a pre-training or fine-tuning RUN/model)", Required = true };

    /// <summary>--sequence-column, --label-column and --id-column of a labelled table.</summary>
    public sealed class TableColumns
    {
        private readonly Option<string> _sequence = new("--sequence-column") { Description = "Column of the sequences", DefaultValueFactory = _ => "sequence" };
        private readonly Option<string> _label = new("--label-column") { Description = "Column of the labels", DefaultValueFactory = _ => "label" };
        private readonly Option<string?> _id = new("--id-column") { Description = "Column of row ids (default: row<line>)" };

        public void AddTo(Command command, bool labels = true)
        {
            command.Options.Add(_sequence);
            if (labels) command.Options.Add(_label);
            command.Options.Add(_id);
        }

        public DnaTableColumns Read(ParseResult result) => new(result.GetValue(_sequence)!, result.GetValue(_label)!, result.GetValue(_id));
    }

    public static Option<T> Choice<T>(string name, string description, T fallback) where T : struct, Enum => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : fallback.ToString();
            if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
            result.AddError($"{name}: expected {string.Join(" or ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, got '{value}'");
            return fallback;
        },
    };

    public static Option<DnaMethod> Method() => Choice("--method", "dnabert (overlapping k-mers) or nt (Nucleotide Transformer, 6-mers)", DnaMethod.Dnabert);
}
