using System.CommandLine;

namespace LabelFree.Cli.Commands.Ehr;

/// <summary><c>labelfree ehr pretrain|finetune|embed</c>: BEHRT on patient event sequences.</summary>
public static class EhrCommand
{
    public static Command Create() => new("ehr", "Health records: BEHRT pre-trained on patient event sequences, outcome prediction, patient subtypes")
    {
        EhrPretrainCommand.Create(),
        EhrFinetuneCommand.Create(),
        EhrEmbedCommand.Create(),
    };
}

/// <summary>The two tables of a cohort in LabelFree's long format (src/LabelFree.Data/Ehr/README.md).</summary>
internal sealed class CohortOptions
{
    public Option<string> Events { get; } = new("--events") { Description = "Events table (CSV/TSV, .gz or not): patient, days|date|years, code[, value]", Required = true };

    public Option<string> Patients { get; } = new("--patients") { Description = "Patients table: patient, sex, age|birth[, end, death]", Required = true };

    public void AddTo(Command command)
    {
        command.Options.Add(Events);
        command.Options.Add(Patients);
    }

    public static Option<string?> Landmark() => new("--landmark")
    {
        Description = "When predictions are made: a time on the events' scale (0, 2005-01-01, 2005.0) or a code (each patient's first such event); default day 0 of a days cohort",
    };
}
