using System.Text.Json.Nodes;
using System.Xml.Linq;
using PpkmOnnx.Benchmarking.Reporting;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Reporting;

/// <summary>
/// The "Pruning trade-off" section on a hand-made run: a teacher, two models pruned from it (prune.json in their
/// checkpoints, found through export.json's source_checkpoint) and a distilled student. Every expected cell below was
/// computed by hand from the fixture's literals.
/// </summary>
public class PruningTradeOffTests
{
    // fp32 predictions score accuracy 10/12 and macro-F1 (6/7 + 3/4 + 8/9)/3 = 0.83201; int8 predictions 9/12 and (2/3 + 2/3 + 8/9)/3 = 0.74074.
    private static readonly ClassificationMetrics Good = ClassificationMetrics.Compute(SampleReports.Gold, SampleReports.Fp32Predicted, SampleReports.Labels);
    private static readonly ClassificationMetrics Worse = ClassificationMetrics.Compute(SampleReports.Gold, SampleReports.Int8Predicted, SampleReports.Labels);

    [Fact]
    public void Each_model_and_variant_gets_a_row_with_kept_shares_speed_and_quality()
    {
        using var temp = TestPaths.NewTempFolder();
        var files = ReportGenerator.Write([Run(temp)], temp.Combine("report"));
        var md = File.ReadAllText(files.MarkdownPath);

        Assert.Contains("## Pruning trade-off", md);
        Assert.Contains("| Model | Role | Variant | Heads kept | FFN kept | Parameters | Size (MB) | Latency p50 (ms) | Throughput (seq/s) | × source | Test accuracy | Test macro-F1 | Validation macro-F1 | Δ guard (validation) |", md);
        // Teacher: trainable count; validation macro-F1 is the guard's source side (0.7737); no quantize.json, so int8 has none.
        Assert.Contains("| teacher | unpruned source | fp32 | — | — | 22,713,987 | 90.00 | 8.00 | 124.3 | 1.00× | 83.33% | 83.20% | 77.37% | — |", md);
        Assert.Contains("| teacher | unpruned source | int8 | — | — | 22,713,987 | 59.00 | 4.00 | 200.0 | 1.61× | 75.00% | 74.07% | — | — |", md); // 200/124.3 = 1.609
        // keep75: heads (9+9)/(12+12), FFN 1152/1536; guard drop 0.0021 shown as pruned − source.
        Assert.Contains("| keep75 | pruned | fp32 | 75.00% | 75.00% | 20,055,747 | 80.23 | 5.50 | 160.0 | 1.29× | 75.00% | 74.07% | 77.16% | −0.21 pp |", md); // 160/124.3 = 1.287
        // keep50: heads (7+5)/(12+12); ratio 240.4/124.3 = 1.934; guard drop −0.0007 (the pruned model scored higher).
        Assert.Contains("| keep50 | pruned | fp32 | 50.00% | 50.00% | 17,397,507 | 69.60 | 4.06 | 240.4 | 1.93× | 83.33% | 83.20% | 77.44% | +0.07 pp |", md);
        // int8: validation macro-F1 from quantize.json's guard; the prune guard compared fp32 models, so no Δ here.
        Assert.Contains("| keep50 | pruned | int8 | 50.00% | 50.00% | 17,397,507 | 53.70 | 2.19 | 310.0 | 2.49× | 75.00% | 74.07% | 76.50% | — |", md); // 310/124.3 = 2.494
        // No prune.json: both validation scores come from quantize.json's guard (its fp32 and its int8 side).
        Assert.Contains("| student3 | comparison | fp32 | — | — | 17,389,827 | 69.57 | 3.68 | 182.4 | 1.47× | 83.33% | 83.20% | 77.20% | — |", md); // 182.4/124.3 = 1.467
        Assert.Contains("| student3 | comparison | int8 | — | — | 17,389,827 | 53.70 | 1.49 | 305.7 | 2.46× | 75.00% | 74.07% | 77.02% | — |", md); // 305.7/124.3 = 2.459
        // Equal throughput: 182.4 is nearer keep75's 160.0 (22.4 away) than keep50's 240.4 (58.0 away); 74.07 − 83.20 = −9.13.
        Assert.Contains("student3 fp32: 182.4 seq/s, test macro-F1 83.20%; the pruned fp32 model nearest in throughput is keep75 (160.0 seq/s, test macro-F1 74.07%, −9.13 pp against student3).", md);
        // int8: 305.7 is nearer keep50's 310.0 than keep75's 250.0; both score 74.07%.
        Assert.Contains("student3 int8: 305.7 seq/s, test macro-F1 74.07%; the pruned int8 model nearest in throughput is keep50 (310.0 seq/s, test macro-F1 74.07%, +0.00 pp against student3).", md);
    }

    [Fact]
    public void The_chart_is_drawn_beside_the_other_charts()
    {
        using var temp = TestPaths.NewTempFolder();
        var files = ReportGenerator.Write([Run(temp)], temp.Combine("report"));
        var svg = Path.Combine(temp.Combine("report"), "charts", "pruning-trade-off.svg");
        Assert.Contains(svg, files.ChartPaths);
        Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);
        Assert.Contains("](charts/pruning-trade-off.png)", File.ReadAllText(files.MarkdownPath));
    }

    [Fact]
    public void Without_a_pruned_model_there_is_no_section()
    {
        using var temp = TestPaths.NewTempFolder();
        var plain = ReportGenerator.Write([SampleReports.Create()], temp.Combine("plain"));
        Assert.DoesNotContain("Pruning trade-off", File.ReadAllText(plain.MarkdownPath));
        Assert.DoesNotContain(plain.ChartPaths, p => p.Contains("pruning", StringComparison.Ordinal));

        // Checkpoints named by export.json but none pruned (no prune.json in them): still no section.
        var run = Run(temp);
        foreach (var model in new[] { "keep75", "keep50" }) File.Delete(Path.Combine(temp.Path, "checkpoints", model, "prune.json"));
        var unpruned = ReportGenerator.Write([run], temp.Combine("unpruned"));
        Assert.DoesNotContain("Pruning trade-off", File.ReadAllText(unpruned.MarkdownPath));
    }

    [Fact]
    public void A_mistyped_prune_record_is_an_error_naming_the_file_and_field()
    {
        using var temp = TestPaths.NewTempFolder();
        var run = Run(temp);
        var path = Path.Combine(temp.Path, "checkpoints", "keep50", "prune.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"after\": 17397507", "\"after\": \"17M\"", StringComparison.Ordinal));
        var e = Assert.Throws<UserInputException>(() => ReportGenerator.Write([run], temp.Combine("report")));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("parameters.after", e.Field);
        Assert.Contains("must be an integer", e.Message);
    }

    [Fact]
    public void A_prune_record_missing_a_guard_field_is_an_error_naming_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var run = Run(temp);
        var path = Path.Combine(temp.Path, "checkpoints", "keep75", "prune.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"accuracy\": 0.7700, ", "", StringComparison.Ordinal));
        var e = Assert.Throws<UserInputException>(() => ReportGenerator.Write([run], temp.Combine("report")));
        Assert.Equal("guard.checks[0].pruned.accuracy", e.Field);
        Assert.Equal($"{path}: guard.checks[0].pruned.accuracy: is missing.", e.Message);
    }

    /// <summary>The run, with checkpoint folders under <paramref name="temp"/>/checkpoints (prune.json in the pruned ones).</summary>
    private static BenchmarkReport Run(TempFolder temp)
    {
        string Checkpoint(string name)
        {
            var folder = Path.Combine(temp.Path, "checkpoints", name);
            Directory.CreateDirectory(folder);
            return folder;
        }
        var teacher = Checkpoint("teacher");
        File.WriteAllText(Path.Combine(Checkpoint("keep75"), "prune.json"), PruneJson(teacher, headsAfter: [9, 9], ffnAfter: 1152, parametersAfter: 20_055_747,
            validation: """{"set": "validation", "source": {"macro_f1": 0.7737}, "pruned": {"accuracy": 0.7700, "macro_f1": 0.7716}, "macro_f1_drop": 0.0021}"""));
        File.WriteAllText(Path.Combine(Checkpoint("keep50"), "prune.json"), PruneJson(teacher, headsAfter: [7, 5], ffnAfter: 768, parametersAfter: 17_397_507,
            validation: """{"set": "validation", "source": {"macro_f1": 0.7737}, "pruned": {"accuracy": 0.7835, "macro_f1": 0.7744}, "macro_f1_drop": -0.0007}"""));
        var student = Checkpoint("student3");

        var template = SampleReports.Create();
        return template with
        {
            Settings = template.Settings with { BatchSizes = [1, 32], Sequences = ["data"] },
            Models =
            [
                Model(template, "teacher", teacher, 22_713_987, null,
                    Variant("fp32", 90_000_000, Good, 8.00, 124.3), Variant("int8", 59_000_000, Worse, 4.00, 200.0)),
                Model(template, "keep75", Path.Combine(temp.Path, "checkpoints", "keep75"), 20_055_747, null,
                    Variant("fp32", 80_234_475, Worse, 5.50, 160.0), Variant("int8", 56_437_078, Worse, 2.66, 250.0)),
                Model(template, "keep50", Path.Combine(temp.Path, "checkpoints", "keep50"), 17_397_507,
                    JsonNode.Parse("""{"variants": {"int8": {"checks": [{"set": "test", "variant": {"macro_f1": 0.70}}, {"set": "validation", "variant": {"macro_f1": 0.7650}}]}}}"""),
                    Variant("fp32", 69_600_000, Good, 4.06, 240.4), Variant("int8", 53_700_000, Worse, 2.19, 310.0)),
                Model(template, "student3", student, 17_389_827,
                    JsonNode.Parse("""{"variants": {"int8": {"checks": [{"set": "validation", "fp32": {"macro_f1": 0.7720}, "variant": {"macro_f1": 0.7702}}]}}}"""),
                    Variant("fp32", 69_565_760, Good, 3.68, 182.4), Variant("int8", 53_695_815, Worse, 1.49, 305.7)),
            ],
        };
    }

    private static string PruneJson(string source, int[] headsAfter, int ffnAfter, long parametersAfter, string validation) => $$"""
        {
          "source": {{JsonValue.Create(source).ToJsonString()}},
          "layers": [{{string.Join(", ", headsAfter.Select((h, i) => $$"""{"layer": {{i}}, "heads_before": 12, "heads_after": {{h}}}"""))}}],
          "intermediate_size": {"before": 1536, "after": {{ffnAfter}}},
          "parameters": {"before": 22713987, "after": {{parametersAfter}}},
          "guard": {"status": "accepted", "checks": [{{validation}}]}
        }
        """;

    private static ModelResult Model(BenchmarkReport template, string name, string checkpoint, long trainable, JsonNode? quantize, params VariantResult[] variants) =>
        template.Models[0] with
        {
            Name = name,
            PackageFolder = Path.Combine(Path.GetDirectoryName(checkpoint)!, "..", "packages", name),
            TrainableParameters = trainable,
            ParameterCount = trainable + 1,
            Training = null,
            Export = new JsonObject { ["source_checkpoint"] = checkpoint },
            Quantize = quantize,
            SkippedVariants = [],
            Variants = variants,
        };

    private static VariantResult Variant(string name, long size, ClassificationMetrics metrics, double batch1P50, double batch32SequencesPerSecond) => new()
    {
        Variant = name,
        ModelFile = name == "fp32" ? "model.onnx" : $"model.{name}.onnx",
        FileSizeBytes = size,
        ParameterCount = 1,
        ExecutionProvider = "CPU",
        Metrics = metrics,
        EvaluationSeconds = 0.25,
        Timings = [Timing(1, batch1P50, 1000 / batch1P50), Timing(32, 32 * 1000 / batch32SequencesPerSecond, batch32SequencesPerSecond)],
    };

    private static TimingResult Timing(int batch, double p50, double sequencesPerSecond) => new()
    {
        Sequence = "data", BatchSize = batch, MeanPaddedLength = 30, Calls = 10,
        LatencyP50Ms = p50, LatencyP95Ms = p50 * 1.2, LatencyP99Ms = p50 * 1.3, LatencyMeanMs = p50 * 1.05,
        SequencesPerSecond = sequencesPerSecond, SequencesPerSecondPerRepeat = [sequencesPerSecond],
    };
}
