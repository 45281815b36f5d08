using System.CommandLine;

namespace PpkmOnnx.Cli.Commands;

/// <summary>Every top-level <c>ppkm</c> command, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return DataCommand.Create();
        yield return PretrainedCommand.Create();
        yield return TokenizerCommand.Create();
        yield return AdaptCommand.Create();
        yield return TrainCommand.Create();
        yield return DistillCommand.Create();
        yield return PruneCommand.Create();
        yield return ExportCommand.Create();
        yield return QuantizeCommand.Create();
        yield return PredictCommand.Create();
        yield return ServeCommand.Create();
        yield return BaselineCommand.Create();
        yield return BenchCommand.Create();
        yield return ReportCommand.Create();
    }

}
