using System.Runtime.InteropServices;
using LabelFree.Cli;
using LabelFree.Core.Training;

// Ctrl-C or SIGTERM: a training run stops after its current step with a checkpoint; a second signal stops at once.
void Interrupt(PosixSignalContext context)
{
    if (Interruption.Requested) return;
    context.Cancel = true;
    Interruption.Request();
    Console.Error.WriteLine("interrupt: stopping after the current training step with a checkpoint (again to stop at once)");
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
return CommandLine.Run(CommandLine.Root(), args);
