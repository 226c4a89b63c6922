using System.CommandLine;
using LabelFree.Cli;
using LabelFree.Cli.Commands.Anomaly;
using LabelFree.Cli.Commands.Cells;
using LabelFree.Cli.Commands.Demo;
using LabelFree.Cli.Commands.Doctor;
using LabelFree.Cli.Commands.Gwas;
using LabelFree.Cli.Commands.Loci;
using LabelFree.Cli.Commands.Register;

var root = new RootCommand("LabelFree: learning without labels on biomedical data.")
{
    DoctorCommand.Create(),
    DemoCommand.Create(),
    AnomalyCommand.Create(),
    GwasCommand.Create(),
    LociCommand.Create(),
    RegisterCommand.Create(),
    CellsCommand.Create(),
};
return CommandLine.Run(root, args);
