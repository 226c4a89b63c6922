using LabelFree.Cli;

return CommandLine.Run(CommandLine.Root(), args);
