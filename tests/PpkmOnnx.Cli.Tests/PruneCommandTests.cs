using System.Text.Json.Nodes;
using Onnx;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>A tiny BERT fine-tuned once on the demo tweets, which the prune tests start from.</summary>
public sealed class PruneTeacherFixture : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();

    public PruneTeacherFixture()
    {
        Demo = _temp.Combine("demo.tsv");
        WriteDemo(Demo);
        // The prune tests need a teacher that learned the demo tweets (a collapse must be able to cost it accuracy). Tests
        // run in parallel in this process and share torch's global generator and thread count, so initialisation and
        // dropout are not reproducible here and a run now and then ends weak: such a teacher is trained again.
        var scores = new List<double>();
        for (int attempt = 1; attempt <= MaxTeacherAttempts; attempt++)
        {
            Teacher = _temp.Combine($"teacher-{attempt}");
            var baseModel = TinyBert.Write(_temp.Combine($"tiny-bert-{attempt}"), Demo);
            var (code, _, err) = CliInvocation.RunAsync(["train", baseModel, "-o", Teacher, "--epochs", "8", "--lr", "2e-3", "--batch-size", "16", "--max-length", "32", "--device", "cpu", .. Data]).GetAwaiter().GetResult();
            if (code != 0) throw new InvalidOperationException($"training the tiny teacher failed: {err}");
            scores.Add(BestValidationMacroF1(Teacher));
            if (scores[^1] >= MinTeacherMacroF1) return;
        }
        throw new InvalidOperationException($"no tiny teacher reached validation macro-F1 {MinTeacherMacroF1} in {MaxTeacherAttempts} runs: {string.Join(", ", scores)}.");
    }

    private const int MaxTeacherAttempts = 3;
    private const double MinTeacherMacroF1 = 0.75;

    private static double BestValidationMacroF1(string checkpoint)
    {
        var record = ModelPackage.ReadTrainingRecord(Path.Combine(checkpoint, "training.json"));
        return record.Epochs.Single(e => e.Epoch == record.BestEpoch).Validation.MacroF1;
    }

    private static string WriteDemo(string path)
    {
        var (code, _, err) = CliInvocation.RunAsync(["data", "demo", "-o", path, "--rows-per-class", "100", "--seed", "7"]).GetAwaiter().GetResult();
        if (code != 0) throw new InvalidOperationException($"writing demo data failed: {err}");
        return path;
    }

    public string Demo { get; }
    public string Teacher { get; private set; } = "";
    public string[] Data => ["--data", Demo, "--seed", "42"];
    public string NewFolder(string name) => _temp.Combine(name + "-" + Guid.NewGuid().ToString("N")[..6]);
    public void Dispose() => _temp.Dispose();
}

/// <summary>
/// <c>ppkm prune</c> end to end on a tiny BERT: the checkpoint it writes (pruned_heads, one FFN size), export with parity
/// and per-layer head counts, INT8 quantization, pruning again, the accuracy guard, and bad input.
/// </summary>
public sealed class PruneCommandTests(PruneTeacherFixture fixture) : IClassFixture<PruneTeacherFixture>
{
    private string[] Fast => ["--batch-size", "16", "--max-length", "32", "--device", "cpu", "--lr", "1e-3", .. fixture.Data];

    private static async Task<string> RunOk(params string[] args)
    {
        var (code, stdout, stderr) = await CliInvocation.RunAsync(args);
        Assert.True(code == 0, $"ppkm {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
        return stdout;
    }

    private static JsonNode Json(string folder, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, file)))!;

    [Fact]
    public async Task Pruned_checkpoint_exports_with_parity_quantizes_and_prunes_again_with_original_head_indices()
    {
        var pruned = fixture.NewFolder("pruned");
        await RunOk(["prune", fixture.Teacher, "-o", pruned, "--heads-keep", "0.5", "--ffn-keep", "0.5", "--recovery-epochs", "1", "--max-drop", "100", .. Fast]);
        var config = ModelConfig.Load(pruned);
        Assert.Equal(4, config.NumAttentionHeads);
        Assert.Equal(32, config.IntermediateSize);
        Assert.Equal(4, config.HeadsInLayer(0) + config.HeadsInLayer(1)); // 8 heads, half kept
        Assert.True(config.HeadsInLayer(0) >= 1 && config.HeadsInLayer(1) >= 1);
        var report = Json(pruned, "prune.json");
        Assert.True((long)report["parameters"]!["after"]! < (long)report["parameters"]!["before"]!);
        Assert.Equal("accepted", (string)report["guard"]!["status"]!);
        Assert.Equal(["validation", "test"], report["guard"]!["checks"]!.AsArray().Select(c => (string)c!["set"]!));
        Assert.Equal("prune", (string)Json(pruned, "training.json")["stage"]!);
        Assert.Contains("Michel", (string)report["method"]!["importance"]!);
        var step = Assert.Single(report["steps"]!.AsArray())!;
        Assert.Equal(32, (int)step["ffn_after"]!);
        Assert.Equal((double)report["recovery"]!["validation_macro_f1"]!, (double)step["recovery_validation_macro_f1"]!);
        // Written as the typed record: schema_version, the tool, and the guard's time in the run's timings only.
        Assert.Equal(ArtifactRecord.CurrentSchemaVersion, (int)report["schema_version"]!);
        Assert.Null(step["timings_seconds"]!["guard"]);
        Assert.NotNull(report["timings_seconds"]!["guard"]);
        var typed = ArtifactJson.Read(Path.Combine(pruned, "prune.json"), ArtifactRecordJsonContext.Default.PruneFileRecord);
        Assert.Equal("ppkm", typed.Tool);
        Assert.Equal((long)report["parameters"]!["after"]!, typed.Parameters.After);
        Assert.Equal([config.HeadsInLayer(0), config.HeadsInLayer(1)], typed.Layers.Select(l => l.HeadsAfter));

        // Export validates against TorchSharp (≤ 1e-4) and carries each layer's own head count.
        foreach (var graph in new[] { "fused", "standard" })
        {
            var package = fixture.NewFolder("package-" + graph);
            await RunOk(["export", pruned, "-o", package, "--graph", graph, "--validation-texts", "12", .. fixture.Data]);
            var validation = Json(package, "export.json")["validation"]!;
            Assert.True((bool)validation["passed"]!, validation.ToJsonString());
            Assert.InRange((double)validation["max_abs_diff"]!, 0, 1e-4);
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(package, "model.onnx")));
            if (graph == "fused")
            {
                var heads = model.Graph.Node.Where(n => n.OpType == "Attention").Select(n => n.Attribute.Single(a => a.Name == "num_heads").I);
                Assert.Equal([config.HeadsInLayer(0), config.HeadsInLayer(1)], heads.Select(h => (int)h));
                // prune + INT8: the combination users want.
                await RunOk(["quantize", package, "--mode", "dynamic", "--max-drop", "100", .. fixture.Data]);
                var quantized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(package, "model.int8.onnx")));
                var qheads = quantized.Graph.Node.Where(n => n.OpType == "QAttention").Select(n => (int)n.Attribute.Single(a => a.Name == "num_heads").I);
                Assert.Equal([config.HeadsInLayer(0), config.HeadsInLayer(1)], qheads);
            }
        }

        // Pruning the pruned checkpoint again adds heads by their ORIGINAL indices.
        var again = fixture.NewFolder("pruned-again");
        await RunOk(["prune", pruned, "-o", again, "--heads-keep", "0.5", "--recovery-epochs", "0", "--max-drop", "100", .. Fast]);
        var second = ModelConfig.Load(again);
        Assert.Equal(2, second.HeadsInLayer(0) + second.HeadsInLayer(1));
        var layers = Json(again, "prune.json")["layers"]!.AsArray();
        for (int l = 0; l < 2; l++)
        {
            var before = config.PrunedHeads.GetValueOrDefault(l, []);
            var added = layers[l]!["heads_removed"]!.AsArray().Select(h => (int)h!).ToArray();
            Assert.Empty(before.Intersect(added));
            Assert.Equal(before.Concat(added).Order(), second.PrunedHeads.GetValueOrDefault(l, []));
        }
    }

    [Fact]
    public async Task Two_steps_report_each_step_and_land_on_the_one_shot_sizes()
    {
        var output = fixture.NewFolder("two-steps");
        var stdout = await RunOk(["prune", fixture.Teacher, "-o", output, "--heads-keep", "0.5", "--ffn-keep", "0.5", "--steps", "2", "--recovery-epochs", "0", "--max-drop", "100", .. Fast]);
        Assert.Contains("Steps", stdout);
        var config = ModelConfig.Load(output);
        Assert.Equal(4, config.HeadsInLayer(0) + config.HeadsInLayer(1)); // round(0.5 * 8)
        Assert.Equal(32, config.IntermediateSize); // round(0.5 * 64)
        var report = Json(output, "prune.json");
        var steps = report["steps"]!.AsArray();
        Assert.Equal([1, 2], steps.Select(s => (int)s!["step"]!));
        // Step 1: round(64 * 0.5^0.5) = round(45.25) = 45 neurons, round(8 * 0.5^0.5) = round(5.66) = 6 heads; step 2 the one-shot 32 and 4.
        Assert.Equal([64, 45], steps.Select(s => (int)s!["ffn_before"]!));
        Assert.Equal([45, 32], steps.Select(s => (int)s!["ffn_after"]!));
        Assert.Equal([8, 6], steps.Select(s => (int)s!["heads_before"]!));
        Assert.Equal([6, 4], steps.Select(s => (int)s!["heads_after"]!));
        Assert.Equal(32, (int)report["intermediate_size"]!["after"]!);
        Assert.Equal((long)report["parameters"]!["after"]!, (long)steps[1]!["parameters_after"]!);
        Assert.True((long)steps[0]!["parameters_after"]! > (long)steps[1]!["parameters_after"]!);
        Assert.All(steps, s => Assert.Null(s!["recovery_validation_macro_f1"]));
        for (int l = 0; l < 2; l++)
        {
            var removed = steps.Select(s => s!["heads_removed"]![l]!.AsArray().Select(h => (int)h!).ToArray()).ToArray();
            Assert.Empty(removed[0].Intersect(removed[1]));
            var union = removed[0].Concat(removed[1]).Order().ToArray();
            Assert.Equal(union, config.PrunedHeads.GetValueOrDefault(l, []));
            // The top-level layers describe the whole run, source to final.
            Assert.Equal(union, report["layers"]![l]!["heads_removed"]!.AsArray().Select(h => (int)h!));
        }
        Assert.False(Directory.Exists(Path.Combine(output, ".prune-steps")));
    }

    [Fact]
    public async Task The_guard_refuses_a_collapsed_model_and_leaves_nothing()
    {
        string[] collapse = ["--heads-keep", "0.25", "--ffn-keep", "0.02", "--recovery-epochs", "0", .. Fast];
        // With --force the result is kept and prune.json shows the collapse the guard measured.
        var forced = fixture.NewFolder("forced");
        await RunOk(["prune", fixture.Teacher, "-o", forced, "--force", "--max-drop", "0.01", .. collapse]);
        var guard = Json(forced, "prune.json")["guard"]!;
        var drop = guard["checks"]!.AsArray().Max(c => (double)c!["macro_f1_drop"]!);
        Assert.True(drop > 0, guard.ToJsonString());
        Assert.Equal("forced", (string)guard["status"]!);

        // The same collapse (no recovery, so the same weights) with a limit below the drop it causes: refused. The limit
        // comes from the measured drop, so the test does not depend on how well the tiny teacher happened to train.
        var limit = (drop * 100 / 2).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var refused = fixture.NewFolder("refused");
        var (code, _, stderr) = await CliInvocation.RunAsync(["prune", fixture.Teacher, "-o", refused, "--max-drop", limit, .. collapse]);
        Assert.Equal(1, code);
        Assert.StartsWith("ppkm: error: ", stderr);
        Assert.Contains("macro-F1 dropped", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        AssertNothingWritten(refused);
    }

    public static TheoryData<string[], string> BadInput => new()
    {
        { ["--heads-keep", "0"], "from 0.001 to 1" },
        { ["--heads-keep", "1.5"], "from 0.001 to 1" },
        { ["--ffn-keep", "-0.1"], "from 0.001 to 1" },
        { ["--heads-keep", "0.1"], "no head" },
        { ["--heads-keep", "1", "--ffn-keep", "1"], "nothing to prune" },
        { ["--heads-keep", "0.5", "--limit", "30"], "training rows" },
        { ["--heads-keep", "0.5", "--steps", "0"], "from 1 to 10" },
        { ["--heads-keep", "0.5", "--steps", "11"], "from 1 to 10" },
        { ["--heads-keep", "0.1", "--steps", "3"], "no head" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_one_error_line_exit_2_and_nothing_written(string[] args, string expected)
    {
        var output = fixture.NewFolder("bad");
        var (code, _, stderr) = await CliInvocation.RunAsync(["prune", fixture.Teacher, "-o", output, "--recovery-epochs", "0", .. Fast, .. args]);
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        AssertNothingWritten(output);
    }

    private static void AssertNothingWritten(string output)
    {
        Assert.False(Directory.Exists(output), $"{output} was written");
        var parent = Path.GetDirectoryName(output)!;
        Assert.Empty(Directory.GetFileSystemEntries(parent, Path.GetFileName(output) + ".tmp-*"));
    }
}
