using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Quantization;

public class FusedAttentionAndGuardTests
{
    private static ModelProto Load(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    private static EncodedBatch Encode(string package, IReadOnlyList<string> texts) => BertWordPieceTokenizer.FromFolder(package).EncodeBatch(texts, 32);

    [Fact]
    public void FusedAttentionBecomesQAttentionAndMatchesOrtFp32()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package });
        var model = Load(result.OutputPath);
        var ops = model.Graph.Node.Select(n => n.OpType).ToList();
        Assert.Contains("QAttention", ops);
        Assert.Contains("DynamicQuantizeLinear", ops);
        Assert.DoesNotContain("Attention", ops);
        Assert.Contains("DynamicQuantizeMatMul", ops);
        var qa = model.Graph.Node.Single(n => n.OpType == "QAttention");
        Assert.Equal(4, qa.Attribute.Single(a => a.Name == "num_heads").I);
        Assert.Equal("com.microsoft", qa.Domain);

        var optimized = tmp.Combine("opt.onnx");
        using (var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimized })
        using (new InferenceSession(result.OutputPath, o)) { }
        Assert.Contains(Load(optimized).Graph.Node, n => n.OpType == "QAttention");

        // Attention output: int8 weights (±max/254) and uint8 inputs (±range/510) keep it within a few percent.
        var batch = Encode(package, TinyFusedBert.Texts(24, 5));
        var a = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "attn", "logits");
        var b = MiniLmFixture.Run(result.OutputPath, batch, "attn", "logits");
        double num = 0, den = 0;
        for (int i = 0; i < a[0].Length; i++) { num += Math.Pow(a[0][i] - b[0][i], 2); den += Math.Pow(a[0][i], 2); }
        double relative = Math.Sqrt(num / den);
        Assert.InRange(relative, 1e-5, 0.05);
        Assert.All(MiniLmFixture.RowCosines(a[0], b[0], TinyFusedBert.Hidden), c => Assert.True(c > 0.99, $"cosine {c:F4}"));
    }

    [Fact]
    public void ScalesInTheGraphMatchAHandComputationAndReduceRangeHalvesTheLevels()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var source = Load(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32)).Graph.Initializer.ToDictionary(t => t.Name);
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(source["encoder.layer.0.attention.qkv.weight"].RawData.Span).ToArray();
        int n = 3 * TinyFusedBert.Hidden;
        foreach (var reduce in new[] { false, true })
        {
            var path = tmp.Combine($"rr{reduce}.onnx");
            OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, ReduceRange = reduce, OutputPath = path });
            var init = Load(path).Graph.Initializer.ToDictionary(t => t.Name);
            var scales = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(init["encoder.layer.0.attention.qkv.weight_scale"].RawData.Span).ToArray();
            var q = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(init["encoder.layer.0.attention.qkv.weight_quantized"].RawData.Span).ToArray();
            int levels = reduce ? 63 : 127;
            Assert.Equal(n, scales.Length);
            for (int c = 0; c < n; c++)
            {
                float max = 0;
                for (int r = 0; r < TinyFusedBert.Hidden; r++) max = Math.Max(max, Math.Abs(w[r * n + c]));
                Assert.Equal(max / levels, scales[c], 1e-7f);
                // The column's largest weight maps to ±levels; every value reconstructs within half a step.
                for (int r = 0; r < TinyFusedBert.Hidden; r++)
                    Assert.True(Math.Abs(q[r * n + c] * scales[c] - w[r * n + c]) <= scales[c] / 2 + 1e-6f);
            }
            Assert.Equal(levels, q.Max(v => Math.Abs((int)v)));
            Assert.False(init.ContainsKey("encoder.layer.0.attention.qkv.weight"));
        }
    }

    [Fact]
    public void StaticCalibrationMethodsAreDeterministicAndAccurate()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var calibration = TinyFusedBert.Texts(64, 3);
        var batch = Encode(package, TinyFusedBert.Texts(32, 4));
        var reference = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "cls")[0];
        foreach (var method in Enum.GetValues<CalibrationMethod>())
        {
            QuantizeResult Make(string name) => OnnxQuantizer.Quantize(new QuantizeOptions
            {
                PackageFolder = package, Variant = ModelVariant.Int8Static, CalibrationTexts = calibration, Calibration = method,
                OutputPath = tmp.Combine(name),
            });
            var a = Make($"{method}-a.onnx");
            var b = Make($"{method}-b.onnx");
            Assert.Equal(File.ReadAllBytes(a.OutputPath), File.ReadAllBytes(b.OutputPath));
            // Only the head MatMul is a static candidate here (QAttention is dynamic-only); its input gets one Q/DQ pair.
            Assert.Equal(["/classifier/MatMul"], a.ConvertedNodes);
            var got = MiniLmFixture.Run(a.OutputPath, batch, "head_mm")[0];
            var want = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "head_mm")[0];
            Assert.All(MiniLmFixture.RowCosines(want, got, TinyFusedBert.Labels), c => Assert.True(c > 0.99, $"{method}: cosine {c:F4}"));
        }
        Assert.NotEmpty(reference);
    }

    [Fact]
    public void Fp16FusedGraphRunsOnCpuWithFloat32Io()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Fp16 });
        var model = Load(result.OutputPath);
        Assert.Equal(1, model.Graph.Output.Single().Type.TensorType.ElemType);
        Assert.All(model.Graph.Initializer.Where(t => t.Name != "cls_index"), t => Assert.Equal(10, t.DataType));
        Assert.Contains(model.Graph.Node, n => n.OpType == "Cast" && n.Attribute[0].I == 1 && n.Output[0] == "logits");
        var batch = Encode(package, TinyFusedBert.Texts(16, 5));
        var a = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "logits")[0];
        var b = MiniLmFixture.Run(result.OutputPath, batch, "logits")[0];
        // float16 keeps ~3 significant digits: logits agree to a relative 1e-2.
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-2 * (1 + Math.Abs(a[i])), $"logit {i}: {a[i]} vs {b[i]}");
    }

    [Fact]
    public void PerTensorOptionStoresScalarScales()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, PerChannel = false });
        var scale = Load(result.OutputPath).Graph.Initializer.Single(t => t.Name == "encoder.layer.0.attention.qkv.weight_scale");
        Assert.Empty(scale.Dims);
        var batch = Encode(package, TinyFusedBert.Texts(8, 5));
        var a = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "attn")[0];
        var b = MiniLmFixture.Run(result.OutputPath, batch, "attn")[0];
        Assert.All(MiniLmFixture.RowCosines(a, b, TinyFusedBert.Hidden), c => Assert.True(c > 0.98, $"cosine {c:F4}"));
    }

    [Fact]
    public void ExcludeGlobKeepsMatchingNodesInFp32()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Exclude = ["/classifier/*"] });
        Assert.Equal(["/classifier/MatMul"], result.ExcludedNodes);
        var ops = Load(result.OutputPath).Graph.Node.Select(n => n.OpType).ToList();
        Assert.Contains("MatMul", ops);
        Assert.Contains("QAttention", ops);
        Assert.DoesNotContain("DynamicQuantizeMatMul", ops);
    }

    [Fact]
    public void A_vocabulary_larger_than_the_embedding_table_is_refused_before_any_work()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var config = Path.Combine(package, "config.json");
        var vocab = Path.Combine(package, "vocab.txt");
        File.WriteAllText(config, """{"model_type":"bert","vocab_size":64,"id2label":{"0":"negative","1":"neutral","2":"positive"}}""");
        File.AppendAllText(vocab, "extra1\nextra2\n"); // 64 + 2 tokens for 64 rows: ids 64 and 65 would index past the table
        var before = Directory.GetFiles(package).Order().ToArray();
        var e = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package }));
        Assert.Equal($"{vocab}: 66 tokens but the word-embedding table has 64 rows ({config}'s vocab_size); ids from 64 on would index past it. "
            + "Use the vocabulary the model was trained with.", e.Message);
        Assert.Equal(before, Directory.GetFiles(package).Order().ToArray());
    }

    private static (string Package, EvaluationSet Validation) NearTiePackage(TempFolder tmp)
    {
        var package = TinyFusedBert.Write(tmp.Combine("pkg"), nearTieHead: true);
        var texts = TinyFusedBert.Texts(200, 9);
        var fp32 = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), Encode(package, texts), "logits")[0];
        return (package, new EvaluationSet("validation", texts, MiniLmFixture.ArgMaxRows(fp32, 3)));
    }

    [Fact]
    public void GuardRejectsAVariantThatLosesMacroF1AndKeepsNoFile()
    {
        using var tmp = TestPaths.NewTempFolder();
        var (package, validation) = NearTiePackage(tmp);
        var output = ModelPackageLayout.ModelPath(package, ModelVariant.Int8);
        var rejected = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Validation = validation });
        Assert.False(rejected.Accepted);
        Assert.False(rejected.Written);
        Assert.False(File.Exists(output));
        Assert.True(rejected.Checks[0].MacroF1Drop > 0.01, $"drop {rejected.Checks[0].MacroF1Drop}");
        Assert.Contains("macro-F1 dropped", rejected.FailureReason);
        Assert.Empty(Directory.GetFiles(package, "*.tmp-*"));
        // No file, so no entry in `variants` (which describes the files); the attempt is under `rejected`.
        var record = JsonNode.Parse(File.ReadAllText(rejected.ReportPath))!;
        Assert.Null(record["variants"]!["int8"]);
        Assert.Equal("rejected", record["rejected"]!["int8"]!["status"]!.GetValue<string>());

        var forced = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Validation = validation, Force = true });
        Assert.False(forced.Accepted);
        Assert.True(forced.Written);
        Assert.True(File.Exists(output));
        record = JsonNode.Parse(File.ReadAllText(forced.ReportPath))!;
        Assert.Equal("forced", record["variants"]!["int8"]!["status"]!.GetValue<string>());
        Assert.Null(record["rejected"]);
    }

    [Fact]
    public void A_refused_run_leaves_the_kept_file_and_its_entry_and_records_itself_under_rejected()
    {
        using var tmp = TestPaths.NewTempFolder();
        var (package, validation) = NearTiePackage(tmp);
        // Accepted: the near-tie head, the only part whose quantization flips classes, stays float32.
        var kept = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Validation = validation, Exclude = ["/classifier/*"] });
        Assert.True(kept.Accepted, kept.FailureReason);
        var bytes = File.ReadAllBytes(kept.OutputPath);
        var keptEntry = JsonNode.Parse(File.ReadAllText(kept.ReportPath))!["variants"]!["int8"]!.DeepClone();
        Assert.Equal(("accepted", bytes.LongLength), (keptEntry["status"]!.GetValue<string>(), keptEntry["bytes"]!.GetValue<long>()));

        // Refused: everything quantized (one more node converted, another size).
        var refused = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Validation = validation });
        Assert.False(refused.Written);
        Assert.Equal(kept.ConvertedNodes.Count + 1, refused.ConvertedNodes.Count);
        Assert.Equal(bytes, File.ReadAllBytes(kept.OutputPath));
        var record = JsonNode.Parse(File.ReadAllText(refused.ReportPath))!;
        Assert.True(JsonNode.DeepEquals(keptEntry, record["variants"]!["int8"]), record["variants"]!.ToJsonString());
        var attempt = record["rejected"]!["int8"]!;
        Assert.Equal(("rejected", refused.FailureReason, refused.OutputBytes, refused.ConvertedNodes.Count),
            (attempt["status"]!.GetValue<string>(), attempt["failure"]!.GetValue<string>(), attempt["bytes"]!.GetValue<long>(), attempt["converted_nodes"]!.GetValue<int>()));
        // The typed reader agrees.
        var typed = ModelPackage.Read(package).Quantize!;
        Assert.Equal(("accepted", "rejected"), (typed.Variants["int8"].Status, typed.Rejected!["int8"].Status));
    }

    [Fact]
    public void A_rejected_entry_an_older_ppkm_left_in_variants_moves_to_rejected()
    {
        using var tmp = TestPaths.NewTempFolder();
        var (package, validation) = NearTiePackage(tmp);
        var refused = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Validation = validation });
        // The layout before `rejected` existed: the refused run's entry in `variants`.
        var old = JsonNode.Parse(File.ReadAllText(refused.ReportPath))!.AsObject();
        var entry = old["rejected"]!["int8"]!.DeepClone();
        old.Remove("rejected");
        old["variants"]!["int8"] = entry;
        File.WriteAllText(refused.ReportPath, old.ToJsonString());

        OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Fp16 });
        var record = JsonNode.Parse(File.ReadAllText(refused.ReportPath))!;
        Assert.Equal(["fp16"], record["variants"]!.AsObject().Select(kv => kv.Key));
        Assert.True(JsonNode.DeepEquals(entry, record["rejected"]!["int8"]));
    }

    [Fact]
    public void AutoExcludeKeepsTheSensitiveHeadInFp32UntilTheDropIsSmall()
    {
        using var tmp = TestPaths.NewTempFolder();
        var (package, validation) = NearTiePackage(tmp);
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Validation = validation, AutoExclude = true, MaxDrop = 0.05 });
        Assert.True(result.Accepted, result.FailureReason);
        Assert.Equal("/classifier/MatMul", result.AutoExcludedLayers[0]);
        Assert.Contains("/classifier/MatMul", result.ExcludedNodes);
        Assert.True(result.Checks[0].MacroF1Drop <= 0.05);
        Assert.Contains(Load(result.OutputPath).Graph.Node, n => n.OpType == "QAttention");
    }

    [Fact]
    public void BadInputsFailWithClearErrors()
    {
        using var tmp = TestPaths.NewTempFolder();
        var empty = Directory.CreateDirectory(tmp.Combine("empty")).FullName;
        var e1 = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = empty }));
        Assert.Contains("not an exported model package", e1.Message);
        Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = tmp.Combine("missing") }));

        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Fp32 }));
        Assert.Throws<UserInputException>(() => ModelPackageLayout.ParseVariant("int4"));
        var noTexts = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Int8Static }));
        Assert.Contains("calibration texts", noTexts.Message);
        Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, AutoExclude = true }));

        // Already quantized: the int8 file put in model.onnx's place.
        var quantized = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package });
        var again = Directory.CreateDirectory(tmp.Combine("again")).FullName;
        File.Copy(quantized.OutputPath, Path.Combine(again, "model.onnx"));
        File.Copy(Path.Combine(package, "config.json"), Path.Combine(again, "config.json"));
        var e2 = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = again }));
        Assert.Contains("already", e2.Message);

        // No config.json: not a package.
        File.Delete(Path.Combine(again, "config.json"));
        var e3 = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = again }));
        Assert.Contains("config.json", e3.Message);

        // Garbage bytes.
        File.Copy(Path.Combine(package, "config.json"), Path.Combine(again, "config.json"));
        File.WriteAllBytes(Path.Combine(again, "model.onnx"), [0xff, 0xff, 0xff, 0x07, 0x01]);
        var e4 = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = again }));
        Assert.Contains("model.onnx", e4.Message);
    }

    /// <summary>
    /// CpuFeatures reads CPUID and the runtime's IsSupported flags; the Linux kernel's CPU flag list in /proc/cpuinfo is an
    /// independent record of the same hardware (and lists AVX/AVX-512 only when the OS enabled their register state, as the
    /// runtime requires too). The runtime's DOTNET_Enable* switches can hide extensions on purpose, so their presence skips.
    /// </summary>
    [SkippableFact]
    public void Cpu_feature_detection_agrees_with_the_kernels_cpu_flags()
    {
        var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture;
        Skip.IfNot(File.Exists("/proc/cpuinfo") && arch is System.Runtime.InteropServices.Architecture.X64, "needs Linux on x64 (/proc/cpuinfo flags)");
        Skip.If(Environment.GetEnvironmentVariables().Keys.Cast<string>().Any(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)),
            "a DOTNET_Enable* variable switches instruction sets off in the runtime, not in the kernel's list");
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal))
            .Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        var isa = CpuFeatures.Detect();
        Assert.True(isa.IsX86);
        Assert.Equal("x64", isa.Architecture);
        Assert.Equal(flags.Contains("sse4_1"), isa.Sse41);
        Assert.Equal(flags.Contains("avx2"), isa.Avx2);
        Assert.Equal(flags.Contains("fma"), isa.Fma);
        // .NET turns AVX-512 on only with its whole base set: F, BW, CD, DQ and VL.
        bool avx512 = new[] { "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl" }.All(flags.Contains);
        Assert.Equal(avx512, isa.Avx512F);
        Assert.Equal(avx512, isa.Avx512BW);
        Assert.Equal(flags.Contains("avx512_vnni") && avx512, isa.Avx512Vnni);
        Assert.Equal(flags.Contains("avx_vnni") && flags.Contains("avx2"), isa.AvxVnni);
        Assert.Equal(flags.Contains("avx512_bf16") && avx512, isa.Avx512Bf16);
        Assert.Equal(flags.Contains("amx_tile"), isa.AmxTile);
        Assert.Equal(flags.Contains("amx_tile") && flags.Contains("amx_bf16"), isa.AmxBf16);
        Assert.Equal(flags.Contains("amx_tile") && flags.Contains("amx_int8"), isa.AmxInt8);
    }
}
