using PpkmOnnx.Benchmarking.Inspection;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Inspection;

/// <summary>
/// prune.json through its one reader: a hand-written file gives the hand-typed values, a mistyped field is an error
/// naming the file and the field, a file from before <c>schema_version</c> reads, and a written record reads back equal.
/// </summary>
public class PruneRecordReaderTests
{
    // Two layers (12 heads each) pruned to 9 and 7 heads, FFN 1536 -> 768, as ppkm prune writes it (shortened prose).
    private const string Written = """
        {
          "schema_version": 1,
          "source": "/models/teacher",
          "output": "/models/keep",
          "created_utc": "2026-12-01T00:20:05.5784944Z",
          "architecture": "Bert",
          "method": {"importance": "taylor", "importance_rows": 1024, "selection": "s", "removal": "r", "recovery": "none"},
          "targets": {"heads_keep": 0.7, "ffn_keep": 0.5},
          "pruned_heads": {"0": [0, 4, 5], "1": [1, 2, 3, 6, 10]},
          "intermediate_size": {"before": 1536, "after": 768},
          "transformers_loadable": true,
          "layers": [
            {"layer": 0, "heads_before": 12, "heads_after": 9, "heads_removed": [0, 4, 5], "head_importance": [0.5, 0.25], "ffn_before": 1536, "ffn_after": 768},
            {"layer": 1, "heads_before": 12, "heads_after": 7, "heads_removed": [1, 2, 3, 6, 10], "head_importance": [0.125], "ffn_before": 1536, "ffn_after": 768}
          ],
          "parameters": {"before": 22713987, "after": 17397507, "kept": 0.7659},
          "recovery": null,
          "steps": [
            {"step": 1, "heads_before": 24, "heads_after": 16, "heads_removed": [[0, 4, 5], [1, 2, 3, 6, 10]], "ffn_before": 1536, "ffn_after": 768,
             "parameters_after": 17397507, "importance_rows": 1024, "recovery_validation_macro_f1": null,
             "timings_seconds": {"importance": 1.5, "removal": 0.25, "recovery": 0}}
          ],
          "guard": {
            "max_drop": 0.01,
            "status": "accepted",
            "checks": [{"set": "validation", "count": 956, "source": {"accuracy": 0.78, "weighted_f1": 0.77, "macro_f1": 0.7737},
                        "pruned": {"accuracy": 0.7835, "weighted_f1": 0.7812, "macro_f1": 0.7744}, "macro_f1_drop": -0.0007,
                        "weighted_f1_drop": -0.0112, "agreement": 0.94, "max_abs_logit_delta": 1.75}],
            "failure": null
          },
          "timings_seconds": {"importance": 1.5, "removal": 0.25, "recovery": 0, "guard": 3.125},
          "tool": "ppkm",
          "tool_version": "0.1.0+abc"
        }
        """;

    // The layout of files written before schema_version, tool and steps: only the fields the report needs.
    private const string Unversioned = """
        {
          "source": "/models/teacher",
          "layers": [{"layer": 0, "heads_before": 12, "heads_after": 6}],
          "intermediate_size": {"before": 1536, "after": 1152},
          "parameters": {"before": 100, "after": 80},
          "guard": {"status": "forced", "checks": [{"set": "test", "source": {"macro_f1": 0.5}, "pruned": {"accuracy": 0.4, "macro_f1": 0.3}, "macro_f1_drop": 0.2}]}
        }
        """;

    [Fact]
    public void A_hand_written_prune_record_reads_as_written()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("prune.json");
        File.WriteAllText(path, Written);

        var file = PruneRecordReader.ReadFile(path);
        Assert.Equal(1, file.SchemaVersion);
        Assert.Equal("/models/keep", file.Output);
        Assert.Equal(new PruneTargetsRecord(0.7, 0.5), file.Targets);
        Assert.Equal(1024, file.Method!.ImportanceRows);
        Assert.Equal([1, 2, 3, 6, 10], file.Layers[1].HeadsRemoved!);
        Assert.Equal([0.5, 0.25], file.Layers[0].HeadImportance!);
        Assert.Equal(0.7659, file.Parameters.Kept);
        Assert.Null(file.Recovery);
        var step = Assert.Single(file.Steps!);
        Assert.Equal(16, step.HeadsAfter);
        Assert.Null(step.RecoveryValidationMacroF1);
        Assert.Null(step.TimingsSeconds.Guard);
        Assert.Equal(3.125, file.TimingsSeconds!.Guard);
        Assert.Equal(956, file.Guard.Checks[0].Count);
        Assert.Equal("0.1.0+abc", file.ToolVersion);

        var record = PruneRecordReader.Read(path);
        Assert.Equal(Path.GetFullPath("/models/teacher"), record.SourceCheckpoint);
        Assert.Equal(24, record.HeadsBefore); // 12 + 12
        Assert.Equal(16, record.HeadsAfter);  // 9 + 7
        Assert.Equal(2.0 / 3, record.HeadsKept, 12);
        Assert.Equal(0.5, record.FfnKept); // 768 / 1536
        Assert.Equal(22_713_987, record.ParametersBefore);
        Assert.Equal(17_397_507, record.ParametersAfter);
        Assert.Equal("accepted", record.GuardStatus);
        Assert.Equal(new PruneGuardCheck("validation", 0.7737, 0.7835, 0.7744, -0.0007), Assert.Single(record.GuardChecks));
    }

    [Fact]
    public void A_file_without_schema_version_reads_as_version_one()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("prune.json");
        File.WriteAllText(path, Unversioned);

        var file = PruneRecordReader.ReadFile(path);
        Assert.Equal(ArtifactRecord.UnversionedSchemaVersion, file.SchemaVersion);
        Assert.Null(file.Steps);
        Assert.Null(file.Tool);
        var record = PruneRecordReader.Read(path);
        Assert.Equal(0.5, record.HeadsKept);  // 6 / 12
        Assert.Equal(0.75, record.FfnKept);   // 1152 / 1536
        Assert.Equal(80, record.ParametersAfter);
        Assert.Equal(new PruneGuardCheck("test", 0.5, 0.4, 0.3, 0.2), Assert.Single(record.GuardChecks));
    }

    [Theory]
    [InlineData("\"heads_after\": 6", "\"heads_after\": \"six\"", "layers[0].heads_after")]
    [InlineData("\"status\": \"forced\"", "\"status\": true", "guard.status")]
    [InlineData("\"before\": 1536", "\"before\": [1536]", "intermediate_size.before")]
    public void A_mistyped_field_is_an_error_naming_the_file_and_the_field(string field, string mistyped, string name)
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("prune.json");
        File.WriteAllText(path, Unversioned.Replace(field, mistyped, StringComparison.Ordinal));

        var e = Assert.Throws<UserInputException>(() => PruneRecordReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(name, e.Field);
        Assert.StartsWith($"{path}: {name}: must be ", e.Message);
    }

    [Fact]
    public void A_written_record_reads_back_equal_with_the_current_schema_version()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("prune.json");
        File.WriteAllText(path, Written);
        var original = PruneRecordReader.ReadFile(path);

        var copy = temp.Combine("copy.json");
        ArtifactJson.Write(copy, original, ArtifactRecordJsonContext.Default.PruneFileRecord);
        var again = PruneRecordReader.ReadFile(copy);

        Assert.Equal(ArtifactRecord.CurrentSchemaVersion, again.SchemaVersion);
        Assert.Equal("ppkm", again.Tool);
        // Records compare lists and JSON by reference: compare what they hold.
        Assert.Equal(original.Layers.Select(Flatten), again.Layers.Select(Flatten));
        Assert.Equal(original.PrunedHeads!.ToJsonString(), again.PrunedHeads!.ToJsonString());
        Assert.Equal(original.Guard.Checks, again.Guard.Checks);
        Assert.Equal(original.Guard with { Checks = [] }, again.Guard with { Checks = [] });
        Assert.Equal(original.Steps![0] with { HeadsRemoved = [] }, again.Steps![0] with { HeadsRemoved = [] });
        Assert.Equal([[0, 4, 5], [1, 2, 3, 6, 10]], again.Steps![0].HeadsRemoved.Select(h => h.ToArray()));
        Assert.Equal(original with { SchemaVersion = 1, Tool = null, ToolVersion = null, PrunedHeads = null, Layers = [], Steps = [], Guard = again.Guard },
                     again with { SchemaVersion = 1, Tool = null, ToolVersion = null, PrunedHeads = null, Layers = [], Steps = [] });
        // The guard's timings are kept in the run's timings and left out of a step's.
        Assert.DoesNotContain("\"guard\": null", File.ReadAllText(copy));
    }

    private static string Flatten(PruneLayerRecord l) =>
        $"{l.Layer} {l.HeadsBefore} {l.HeadsAfter} [{string.Join(",", l.HeadsRemoved!)}] [{string.Join(",", l.HeadImportance!)}] {l.FfnBefore} {l.FfnAfter}";
}
