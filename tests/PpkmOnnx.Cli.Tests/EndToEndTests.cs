using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// The whole pipeline in-process, as a user chains it: demo data → train → distill → export → quantize (dynamic and
/// static) → bench → report, on a tiny random BERT, plus the user-error paths of export, quantize and train.
/// </summary>
public sealed partial class EndToEndTests
{
    private const int Seed = 42;
    private const int RowsPerClass = 40;
    private const int Limit = 105;

    private static async Task<(int ExitCode, string Stdout, string Stderr)> Ppkm(params string[] args) => await CliInvocation.RunAsync(args);

    private static async Task<string> RunOk(params string[] args)
    {
        var (code, stdout, stderr) = await Ppkm(args);
        Assert.True(code == 0, $"ppkm {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
        return stdout;
    }

    [Fact]
    public async Task Demo_data_goes_through_train_distill_export_quantize_bench_and_report()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        await RunOk("data", "demo", "-o", demo, "--rows-per-class", $"{RowsPerClass}", "--seed", "7");
        Assert.Equal(3 * RowsPerClass + 1, File.ReadAllLines(demo).Count(l => l.Length > 0)); // header + rows
        var baseModel = TinyBert.Write(temp.Combine("tiny-bert"), demo);
        string[] data = ["--data", demo, "--limit", $"{Limit}", "--seed", $"{Seed}"];
        string[] fast = ["--epochs", "2", "--lr", "1e-3", "--batch-size", "16", "--max-length", "32", "--device", "cpu"];

        // train
        var teacher = temp.Combine("teacher");
        var trainOut = await RunOk(["train", baseModel, "-o", teacher, .. fast, .. data]);
        Assert.Contains("Best epoch", trainOut);
        foreach (var f in new[] { "config.json", "model.safetensors", "vocab.txt", "training.json" })
            Assert.True(File.Exists(Path.Combine(teacher, f)), $"train did not write {f}");
        var training = JsonNode.Parse(File.ReadAllText(Path.Combine(teacher, "training.json")))!;
        Assert.Equal(32, (int)training["hyperparameters"]!["max_length"]!);
        var prepared = PreparedData.Prepare(new DataLoadOptions { Path = demo, Limit = Limit, Seed = Seed });
        Assert.Equal(prepared.Dataset.LabelNames, ModelConfig.Load(teacher).Labels);
        Assert.Equal(3, prepared.Dataset.LabelNames.Count);

        // distill: a 1-layer DistilBERT student from the 2-layer teacher
        var student = temp.Combine("student");
        await RunOk(["distill", teacher, "-o", student, .. fast, .. data]);
        var studentConfig = ModelConfig.Load(student);
        Assert.Equal(ModelArchitecture.DistilBert, studentConfig.Architecture);
        Assert.Equal(1, studentConfig.NumHiddenLayers);
        Assert.True(File.Exists(Path.Combine(student, "model.safetensors")));

        // export both, validated against TorchSharp
        var package = temp.Combine("teacher-onnx");
        var studentPackage = temp.Combine("student-onnx");
        foreach (var (from, to) in new[] { (teacher, package), (student, studentPackage) })
        {
            await RunOk(["export", from, "-o", to, "--validation-texts", "12", .. data]);
            Assert.True(File.Exists(Path.Combine(to, "model.onnx")));
            var export = JsonNode.Parse(File.ReadAllText(Path.Combine(to, "export.json")))!;
            var validation = export["validation"]!;
            Assert.True((bool)validation["passed"]!, validation.ToJsonString());
            Assert.InRange((double)validation["max_abs_diff"]!, 0, 1e-4);
            Assert.Equal(32, (int)export["max_length"]!);
        }
        // Exporting onto an existing package needs --force.
        var (again, _, againErr) = await Ppkm(["export", teacher, "-o", package, "--no-validate"]);
        Assert.Equal(2, again);
        Assert.Equal($"ppkm: error: {Path.GetFullPath(package)}: folder exists and is not empty; choose another output or pass --force to replace it.", againErr.Trim());

        // quantize: dynamic and static INT8 beside model.onnx. A tiny random-ish model may lose any amount of macro-F1,
        // so the guard is opened to its widest (--max-drop 100: a drop of 100 points is the most macro-F1 can lose) and
        // the one status that allows is "accepted"; the forced and rejected paths are FusedAttentionAndGuardTests'.
        foreach (var (mode, file, name) in new[] { ("dynamic", "model.int8.onnx", "int8"), ("static", "model.int8-static.onnx", "int8-static") })
        {
            string[] calibration = mode == "static" ? ["--calibration-samples", "16"] : []; // refused where it would be ignored
            await RunOk(["quantize", package, "--mode", mode, "--max-drop", "100", .. calibration, .. data]);
            Assert.True(File.Exists(Path.Combine(package, file)), $"quantize --mode {mode} did not write {file}");
            var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(package, "quantize.json")))!["variants"]![name]!;
            Assert.Equal(file, (string)entry["file"]!);
            Assert.Equal(mode, (string)entry["mode"]!);
            Assert.Equal("accepted", (string)entry["status"]!);
            Assert.True((long)entry["bytes"]! < (long)entry["source_bytes"]!);
            Assert.Equal(["validation", "test"], entry["checks"]!.AsArray().Select(c => (string)c!["set"]!));
        }
        // The dynamic entry survives the static run: quantize.json accumulates variants.
        Assert.NotNull(JsonNode.Parse(File.ReadAllText(Path.Combine(package, "quantize.json")))!["variants"]!["int8"]);

        // bench
        var benchFolder = temp.Combine("bench");
        await RunOk(["bench", package, "-o", benchFolder, "--quick", "--provider", "cpu", "--threads", "1", .. data]);
        var bench = BenchmarkJson.Read(Path.Combine(benchFolder, BenchmarkJson.FileName));
        var model = Assert.Single(bench.Models);
        Assert.Equal(["fp32", "int8", "int8-static"], model.Variants.Select(v => v.Variant).Order(StringComparer.Ordinal));
        Assert.All(model.Variants, v => Assert.NotEmpty(v.Timings));

        // bench's fp32 accuracy against our own count with the runtime on the same test split
        var test = prepared.Split.Test;
        Assert.NotEmpty(test.Rows);
        using (var classifier = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }))
        {
            var predictions = classifier.Classify(test.Rows.Select(r => r.Text).ToList());
            int correct = test.Rows.Zip(predictions).Count(p => p.Second.Label == test.LabelNames[p.First.Label]);
            var fp32 = model.Variants.Single(v => v.Variant == "fp32");
            Assert.Equal((double)correct / test.Rows.Count, fp32.Metrics.Accuracy, 9);
        }

        // report
        var reportFolder = temp.Combine("report");
        await RunOk("report", benchFolder, "-o", reportFolder);
        Assert.True(new FileInfo(Path.Combine(reportFolder, "report.html")).Length > 0);
        var markdown = File.ReadAllText(Path.Combine(reportFolder, "report.md"));
        Assert.Contains("int8-static", markdown);
    }

    [Fact]
    public async Task Export_of_a_folder_without_weights_is_a_one_line_error_and_leaves_no_package()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo, rowsPerClass: 10);
        var folder = TinyBert.Write(temp.Combine("no-weights"), demo);
        File.Delete(Path.Combine(folder, "model.safetensors"));
        var output = temp.Combine("package");

        foreach (var validate in new[] { true, false })
        {
            var (code, _, stderr) = await Ppkm(validate ? ["export", folder, "-o", output] : ["export", folder, "-o", output, "--no-validate"]);
            Assert.Equal(2, code);
            Assert.StartsWith("ppkm: error: ", stderr);
            Assert.Single(stderr.TrimEnd().Split('\n'));
            Assert.Contains("model.safetensors", stderr);
            Assert.False(Directory.Exists(output), "a failed export left its output folder behind");
        }
    }

    [Fact]
    public async Task Export_with_a_refused_Triton_entry_is_a_one_line_error_and_writes_nothing()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo, rowsPerClass: 10);
        var folder = TinyBert.Write(temp.Combine("ckpt"), demo);
        File.WriteAllText(temp.Combine("somefile.csv"), "x");
        var output = temp.Combine("package");

        foreach (var (triton, mentions) in new (string[], string)[]
        {
            (["--triton-repo", temp.Combine("somefile.csv")], "somefile.csv: exists and is a file"),
            (["--triton-repo", temp.Combine("triton"), "--triton-name", "a/b"], "--triton-name: 'a/b' is not a valid Triton model name"),
        })
        {
            var (code, _, stderr) = await Ppkm(["export", folder, "-o", output, "--validation-texts", "4", "--data", demo, .. triton]);
            Assert.True(code == 2, stderr);
            Assert.StartsWith("ppkm: error: ", Assert.Single(stderr.TrimEnd().Split('\n')));
            Assert.Contains(mentions, stderr);
            Assert.False(Directory.Exists(output), "a refused export left a package behind");
            Assert.False(Directory.Exists(temp.Combine("triton")), "a refused export left a Triton repository behind");
        }
    }

    [Fact]
    public async Task Quantize_of_a_folder_that_is_not_a_package_is_a_user_error()
    {
        using var temp = TestPaths.NewTempFolder();
        File.WriteAllText(temp.Combine("notes.txt"), "not a model");
        var (code, _, stderr) = await Ppkm("quantize", temp.Path, "--mode", "dynamic");
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(File.Exists(temp.Combine("model.int8.onnx")));

        (code, _, stderr) = await Ppkm("quantize", temp.Combine("missing"), "--mode", "dynamic");
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", stderr);
    }

    [Fact]
    public async Task Train_with_label_values_absent_from_the_data_is_a_user_error()
    {
        using var temp = TestPaths.NewTempFolder();
        var (demo, model) = SmallDemoAndTinyBert(temp);
        var output = temp.Combine("out");
        var (code, _, stderr) = await Ppkm("train", model, "-o", output, "--data", demo, "--labels", "7=negative,8=neutral,9=positive", "--epochs", "1", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
    }

    [Fact]
    public async Task Train_with_pseudo_labels_adds_the_confident_rows_to_train_and_records_them()
    {
        using var temp = TestPaths.NewTempFolder();
        var (demo, model) = SmallDemoAndTinyBert(temp);
        var pseudo = temp.Combine("pred.csv");
        File.WriteAllText(pseudo, "row,text,label,prob_positive,prob_neutral,prob_negative\n"
            + "1,vaksin lancar sekali,positive,0.97,0.02,0.01\n2,antrean bansos panjang,negative,0.05,0.15,0.8\n3,hari ini hujan,neutral,0.3,0.4,0.3\n");
        var output = temp.Combine("out");
        var labelled = PreparedData.Prepare(new DataLoadOptions { Path = demo }).Split.Train.Rows.Count;

        await RunOk("train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu", "--pseudo-labels", pseudo, "--pseudo-min-confidence", "0.75");

        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!["data"]!;
        Assert.Equal(labelled + 2, (int)data["train"]!);
        var recorded = data["pseudo_labels"]!;
        Assert.Equal((3, 1, 2), ((int)recorded["read"]!, (int)recorded["below_confidence"]!, (int)recorded["kept"]!));
        Assert.Equal(0.75, (double)recorded["min_confidence"]!);
    }

    [Fact]
    public async Task Train_with_bf16_and_counter_dropout_records_them_or_refuses_bf16_on_a_cpu_without_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var (demo, model) = SmallDemoAndTinyBert(temp);
        var output = temp.Combine("out");
        string[] args = ["train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu", "--precision", "bf16", "--dropout", "counter"];
        if (!PpkmOnnx.Core.Platform.CpuFeatures.Current.HasBf16)
        {
            var (code, _, stderr) = await Ppkm(args);
            Assert.Equal(2, code);
            Assert.StartsWith("ppkm: error: --precision: bf16 needs a CPU with AMX-BF16 or AVX-512-BF16", stderr.Trim());
            Assert.False(Directory.Exists(output));
            return;
        }
        var stdout = await RunOk(args);
        Assert.Contains("bf16", stdout);
        var hyper = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!["hyperparameters"]!;
        Assert.Equal(("bf16", "counter", "eager"), ((string)hyper["precision"]!, (string)hyper["dropout"]!, (string)hyper["attention"]!));
    }

    [Fact]
    public async Task Train_with_frozen_embeddings_says_so_and_records_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var (demo, model) = SmallDemoAndTinyBert(temp);
        var output = temp.Combine("out");
        var stdout = await RunOk("train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu", "--freeze-embeddings");
        Assert.Matches(@"embeddings\s*│\s*frozen", stdout);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!;
        Assert.True((bool)json["hyperparameters"]!["freeze_embeddings"]!);
        var before = SafeTensorsFile.Read(Path.Combine(model, "model.safetensors"));
        var after = SafeTensorsFile.Read(Path.Combine(output, "model.safetensors"));
        Assert.Equal(before["bert.embeddings.word_embeddings.weight"].Data, after["bert.embeddings.word_embeddings.weight"].Data);
    }

    [Fact]
    public async Task Train_with_a_pseudo_label_file_naming_another_class_is_a_user_error()
    {
        using var temp = TestPaths.NewTempFolder();
        var (demo, model) = SmallDemoAndTinyBert(temp);
        var pseudo = temp.Combine("pred.csv");
        File.WriteAllText(pseudo, "row,text,label,prob_positive,prob_neutral,prob_negative\n1,vaksin lancar,senang,0.97,0.02,0.01\n");
        var output = temp.Combine("out");
        var (code, _, stderr) = await Ppkm("train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu", "--pseudo-labels", pseudo);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {pseudo}: line 2: label 'senang' is not one of the data's classes [negative, neutral, positive].{Environment.NewLine}", stderr);
        Assert.False(Directory.Exists(output));
    }

    // 30 demo tweets and a random tiny BERT whose vocabulary covers them: enough for the train paths' checks.
    private static (string Demo, string Model) SmallDemoAndTinyBert(TempFolder temp)
    {
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo, rowsPerClass: 10);
        return (demo, TinyBert.Write(temp.Combine("tiny"), demo));
    }
}
