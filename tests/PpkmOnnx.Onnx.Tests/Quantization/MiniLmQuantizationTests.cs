using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Quantization;

/// <summary>
/// Quantizes the real all-MiniLM-L6-v2 graph and compares with ONNX Runtime running the FP32 source.
/// Error bound: symmetric per-channel int8 weights carry ≤ scale/2 = max|w|/254 error each (≈0.2% RMS of a channel's
/// range); run-time uint8 activations add ≈ range/510 per value. Through 6 layers with LayerNorm re-normalising, the
/// [CLS] hidden state keeps a relative error of a few percent, i.e. cosine similarity well above 0.99.
/// </summary>
[Collection(MiniLmCollection.Name)]
public class MiniLmQuantizationTests(MiniLmFixture fx)
{
    private static ModelProto Load(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    private static Dictionary<string, int> OpCounts(ModelProto m) => m.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());

    [SkippableFact]
    public void DynamicInt8KeepsHiddenStatesAndFusesEveryMatMul()
    {
        var package = fx.RequirePackage();
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Int8, QuantizeWordEmbedding = true });
        Assert.True(result.Written);
        // Every big tensor is int8 now (word embeddings included); position embeddings and LayerNorm stay float: ≈4x smaller.
        Assert.InRange((double)result.SourceBytes / result.OutputBytes, 3.3, 4.0);
        var fp32Path = ModelPackageLayout.ModelPath(package, ModelVariant.Fp32);
        var ops = OpCounts(Load(result.OutputPath));
        var srcOps = OpCounts(Load(fp32Path));
        // Every MatMul with a constant weight (6 layers × 6 Linear + the head) became DynamicQuantizeMatMul with its bias folded.
        Assert.Equal(37, ops["DynamicQuantizeMatMul"]);
        Assert.Equal(srcOps["MatMul"] - 37, ops.GetValueOrDefault("MatMul"));
        Assert.Equal(srcOps["Add"] - 37, ops.GetValueOrDefault("Add"));
        Assert.Equal(37 + 1, result.ConvertedNodes.Count);
        Assert.Contains(Load(result.OutputPath).Graph.Initializer, t => t.Name.EndsWith("_row_scale", StringComparison.Ordinal) && t.Dims[0] == 30522);

        // ORT keeps the fused kernel after its own optimisations.
        var optimized = Path.Combine(Path.GetDirectoryName(result.OutputPath)!, "optimized.int8.onnx");
        using (var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimized })
        using (new InferenceSession(result.OutputPath, o)) { }
        Assert.Contains(Load(optimized).Graph.Node, n => n.OpType == "DynamicQuantizeMatMul");
        File.Delete(optimized);

        var batch = fx.Encode(fx.Texts);
        var a = MiniLmFixture.Run(fp32Path, batch, "logits", "head.cls");
        var b = MiniLmFixture.Run(result.OutputPath, batch, "logits", "head.cls");
        var cos = MiniLmFixture.RowCosines(a[1], b[1], 384);
        // MiniLM's [CLS] carries a few outlier dimensions that widen the per-tensor uint8 activation range: the odd row dips lower.
        Assert.True(cos.Average() > 0.99, $"mean [CLS] cosine {cos.Average():F4} ≤ 0.99");
        Assert.All(cos, c => Assert.True(c > 0.97, $"[CLS] cosine {c:F4} ≤ 0.97"));
        var agree = MiniLmFixture.ArgMaxRows(a[0], 3).Zip(MiniLmFixture.ArgMaxRows(b[0], 3)).Count(p => p.First == p.Second);
        Assert.True(agree >= 0.9 * fx.Texts.Count, $"only {agree}/{fx.Texts.Count} predictions agree");
        // And int8 is not the identity: the outputs really changed.
        Assert.Contains(cos, c => c < 0.99999);
    }

    [SkippableFact]
    public void StaticQdqIsDeterministicAccurateAndFusedByOrt()
    {
        var package = fx.RequirePackage();
        using var tmp = TestPaths.NewTempFolder();
        QuantizeResult Make(string name, CalibrationMethod method) => OnnxQuantizer.Quantize(new QuantizeOptions
        {
            PackageFolder = package, Variant = ModelVariant.Int8Static, CalibrationTexts = fx.CalibrationTexts,
            Calibration = method, OutputPath = tmp.Combine(name), BatchSize = 16,
        });
        var first = Make("a.onnx", CalibrationMethod.Percentile);
        var second = Make("b.onnx", CalibrationMethod.Percentile);
        Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(second.OutputPath));

        var model = Load(first.OutputPath);
        var ops = OpCounts(model);
        Assert.Equal(37, first.ConvertedNodes.Count);
        Assert.Equal(37, ops["MatMul"] - (OpCounts(Load(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32)))["MatMul"] - 37));
        // One Q/DQ pair per distinct activation (Q, K and V share theirs) and one DQ per weight.
        Assert.Equal(ops["QuantizeLinear"] + 37, ops["DequantizeLinear"]);
        Assert.Contains(model.Graph.Node, n => n.OpType == "DequantizeLinear" && n.Attribute.Any(a => a.Name == "axis" && a.I == 1));

        var optimized = tmp.Combine("optimized.onnx");
        using (var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimized })
        using (new InferenceSession(first.OutputPath, o)) { }
        var fused = OpCounts(Load(optimized));
        Assert.True(fused.GetValueOrDefault("MatMulIntegerToFloat") + fused.GetValueOrDefault("QLinearMatMul") + fused.GetValueOrDefault("DynamicQuantizeMatMul") > 0,
            "ORT did not fuse the QDQ MatMuls: " + string.Join(", ", fused.Select(kv => $"{kv.Key}={kv.Value}")));

        var minmax = Make("minmax.onnx", CalibrationMethod.MinMax);
        Assert.NotEqual(File.ReadAllBytes(minmax.OutputPath), File.ReadAllBytes(first.OutputPath));
        var batch = fx.Encode(fx.Texts);
        var reference = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "head.cls")[0];
        foreach (var (r, bound) in new[] { (first, 0.98), (minmax, 0.98) })
        {
            var got = MiniLmFixture.Run(r.OutputPath, batch, "head.cls")[0];
            var cos = MiniLmFixture.RowCosines(reference, got, 384);
            Assert.True(cos.Average() > bound, $"{Path.GetFileName(r.OutputPath)}: mean [CLS] cosine {cos.Average():F4}");
        }
    }

    [SkippableFact]
    public void Fp16KeepsFloat32InputsOutputsAndNormalisationAndHalvesTheFile()
    {
        var package = fx.RequirePackage();
        var result = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Fp16 });
        var model = Load(result.OutputPath);
        Assert.All(model.Graph.Input, i => Assert.Equal(7, i.Type.TensorType.ElemType));
        Assert.Equal(1, model.Graph.Output.Single(o => o.Name == "logits").Type.TensorType.ElemType);
        var inits = model.Graph.Initializer.ToDictionary(t => t.Name);
        Assert.Equal(10, inits["head.weight"].DataType);
        Assert.Equal(10, inits.Values.OrderByDescending(t => t.RawData.Length).First().DataType); // the word embeddings
        // Normalisation (MiniLM's LayerNorm is exported decomposed: ReduceMean/Sub/Pow/…/Div) and Softmax compute in float32:
        // each input is a float32 initializer, a Cast to float, or another kept node's result.
        var producers = model.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var kept = Float16ConversionPass.DecomposedLayerNorms(Load(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32)).Graph)
            .Select(n => n.Name).ToHashSet();
        Assert.Equal(6 * 2 * 7 + 7, kept.Count); // 2 per layer + the embeddings', 7 nodes each
        var keptNodes = model.Graph.Node.Where(n => kept.Contains(n.Name) || Float16ConversionPass.KeptFloat32.Contains(n.OpType)).ToHashSet();
        foreach (var n in keptNodes)
            foreach (var i in n.Input.Where(i => i.Length > 0))
            {
                bool float32 = inits.TryGetValue(i, out var t) ? t.DataType is 1 or 7
                    : producers[i] is var p && ((p.OpType == "Cast" && p.Attribute[0].I == 1) || keptNodes.Contains(p) || (p.OpType == "Constant" && p.Attribute[0].T.DataType != 1));
                Assert.True(float32, $"{n.OpType} {n.Name} input {i} is not float32");
            }
        double ratio = (double)result.SourceBytes / result.OutputBytes;
        Assert.InRange(ratio, 1.9, 2.05);

        using (var session = new InferenceSession(result.OutputPath))
            Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, session.OutputMetadata["logits"].ElementDataType);
        var batch = fx.Encode(fx.Texts);
        var a = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), batch, "logits", "head.cls");
        var b = MiniLmFixture.Run(result.OutputPath, batch, "logits");
        Assert.All(MiniLmFixture.RowCosines(a[0], b[0], 3), c => Assert.True(c > 0.999, $"logit cosine {c:F5}"));
        var report = JsonNode.Parse(File.ReadAllText(result.ReportPath))!["variants"]!["fp16"]!;
        Assert.Equal("gpu", report["target"]!.GetValue<string>());
    }

    [SkippableFact]
    public void GuardScoresVariantAgainstFp32AndWritesTheReport()
    {
        var package = fx.RequirePackage();
        var texts = fx.Texts.Take(24).ToList();
        var fp32 = MiniLmFixture.Run(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), fx.Encode(texts), "logits")[0];
        // Gold = FP32's own predictions: FP32 scores 1.0, and the variant's score is its agreement with FP32.
        var gold = MiniLmFixture.ArgMaxRows(fp32, 3);
        var validation = new EvaluationSet("validation", texts, gold);
        using var tmp = TestPaths.NewTempFolder();
        var result = OnnxQuantizer.Quantize(new QuantizeOptions
        {
            PackageFolder = package, Validation = validation, MaxDrop = 0.5, OutputPath = tmp.Combine("guarded.onnx"),
            Tokenize = fx.Encode,
        });
        Assert.True(result.Accepted);
        var check = Assert.Single(result.Checks);
        Assert.Equal(1.0, check.Fp32.Accuracy);
        Assert.Equal(check.Agreement, check.Variant.Accuracy, 10);
        Assert.InRange(check.MaxAbsLogitDelta, 1e-6, 0.5);
        var entry = JsonNode.Parse(File.ReadAllText(result.ReportPath))!["variants"]!["int8"]!;
        Assert.Equal("accepted", entry["status"]!.GetValue<string>());
        Assert.Equal(check.Agreement, entry["checks"]![0]!["agreement"]!.GetValue<double>());
        Assert.NotNull(entry["cpu"]!["summary"]);

        // The public evaluator gives the same numbers from the files.
        var direct = VariantEvaluator.Compare(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32), result.OutputPath, validation, fx.Encode, ["negative", "neutral", "positive"]);
        Assert.Equal(check.Agreement, direct.Agreement);
    }
}
