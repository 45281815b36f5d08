using System.CommandLine;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// The labelled texts that checks run on (export validation, quantization calibration and guard): the user's
/// <c>--data</c> split when given, else the built-in demo tweets, so a check never silently runs on nothing.
/// </summary>
internal static class EvaluationTexts
{
    /// <summary>The prepared user data, or null when <c>--data</c> is absent.</summary>
    public static PreparedData? PrepareIfGiven(DataOptions data, ParseResult parseResult) =>
        data.Data is not null && parseResult.GetValue(data.Data) is { Length: > 0 } ? PreparedData.Prepare(data.ToLoadOptions(parseResult)) : null;

    /// <summary>The demo dataset's split (deterministic; written to a temp file and read back like user data).</summary>
    public static PreparedData Demo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ppkm-demo-{Environment.ProcessId}-{Guid.NewGuid():N}.tsv");
        try
        {
            DemoDataset.Write(path);
            return PreparedData.Prepare(new DataLoadOptions { Path = path });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
