using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Benchmarking.Inspection;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>A model package opened for benchmarking: tokenizer, side files and one session per variant.</summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(string name, string folder) { Name = name; Folder = folder; }

    public string Name { get; }
    public string Folder { get; }
    public BertWordPieceTokenizer Tokenizer { get; private set; } = null!;
    /// <summary>Label names by class id, as the package names them (and as serve names them: <see cref="PpkmOnnx.Runtime.Sessions.ClassifierSession.Labels"/>).</summary>
    public IReadOnlyList<string> Labels { get; private set; } = [];
    /// <summary>For each of the package's class ids, the test split's class id of the same name.</summary>
    public IReadOnlyList<int> DataClassIds { get; private set; } = [];
    public int MaxLength { get; private set; }
    public int? MaxPositions { get; private set; }
    public string? ModelType { get; private set; }
    public JsonNode? Export { get; private set; }
    public JsonNode? Quantize { get; private set; }
    public TrainingSummary? Training { get; private set; }
    public List<LoadedVariant> Variants { get; } = [];
    public List<string> Skipped { get; } = [];

    /// <summary>Opens the package and the variants <paramref name="options"/> asks for.</summary>
    public static LoadedModel Open(BenchmarkModelInput input, BenchmarkOptions options, Action<string> log)
    {
        var folder = input.PackageFolder;
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model package folder not found.");
        var name = input.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        var model = new LoadedModel(name, folder);
        try
        {
            model.Load(input, options, log);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private void Load(BenchmarkModelInput input, BenchmarkOptions options, Action<string> log)
    {
        Export = PackageFiles.ReadOptionalJson(Path.Combine(Folder, ModelPackageLayout.ExportReportFile));
        Quantize = PackageFiles.ReadOptionalJson(Path.Combine(Folder, ModelPackageLayout.QuantizeReportFile));
        var trainingPath = TrainingRecordReader.Locate(Folder, Export, input.TrainingJsonPath);
        Training = trainingPath is null ? null : TrainingRecordReader.Read(trainingPath);

        var present = ModelPackageLayout.AvailableVariants(Folder);
        IReadOnlyList<ModelVariant> wanted;
        if (options.Variants is { } requested)
        {
            foreach (var v in requested)
                if (!present.Contains(v))
                    throw new UserInputException($"{ModelPackageLayout.ModelPath(Folder, v)}: variant {ModelPackageLayout.VariantName(v)} was requested but the package has no such file.");
            wanted = requested.Distinct().ToList();
        }
        else
        {
            if (present.Count == 0) throw new UserInputException($"{Folder}: the package holds no model*.onnx file.");
            wanted = present;
        }

        foreach (var variant in wanted)
        {
            var path = ModelPackageLayout.ModelPath(Folder, variant);
            log($"{Name}: opening {Path.GetFileName(path)}");
            var session = VariantSession.Open(path, Folder, options.Provider, options.CudaDeviceId, options.IntraOpThreads);
            if (variant == ModelVariant.Fp16 && session.ExecutionProvider != "CUDA" && !options.ForceFp16)
            {
                session.Dispose();
                Skipped.Add($"fp16: a GPU variant and CUDA is not in use ({session.ProviderNote ?? "CPU requested"}); force it to measure on CPU");
                continue;
            }
            Variants.Add(new LoadedVariant(variant, session, path, new FileInfo(path).Length, OnnxGraphInspector.CountParameters(path)));
        }
        if (Variants.Count == 0) throw new UserInputException($"{Folder}: no variant left to measure ({string.Join("; ", Skipped)}).");

        // The package's facts as the Runtime's classification core read them (ModelPackage, with the first variant's ONNX
        // metadata), so bench truncates and labels as serve does.
        var package = Variants[0].Session.Core.Package;
        Labels = package.Labels;
        DataClassIds = MatchLabels(package.Labels, options.Dataset.LabelNames, package.ConfigPath);
        Tokenizer = package.Tokenizer;
        ModelType = package.ModelType;
        MaxPositions = package.MaxPositionEmbeddings;
        // Measure what `ppkm serve` runs: the package's truncation, unless this bench run asks for another length.
        MaxLength = options.MaxLength ?? package.MaxLength;
        if (MaxPositions is { } max)
        {
            if (MaxLength > max) throw new UserInputException($"{Folder}: max length {MaxLength} exceeds the model's max_position_embeddings {max}.");
            var tooLong = options.BatchSizes.Count > 0 ? options.SequenceLengths.Where(s => s > max).ToList() : [];
            if (tooLong.Count > 0) throw new UserInputException($"{Folder}: sequence length {tooLong[0]} exceeds the model's max_position_embeddings {max}.");
        }
    }

    /// <summary>
    /// The test split's class id for each of the package's, matched by name as train and quantize match classes
    /// (<see cref="ClassNameMatching"/>: the same names in any order): bench scores a prediction under the class its name says.
    /// </summary>
    private static int[] MatchLabels(IReadOnlyList<string> packageLabels, IReadOnlyList<string> datasetLabels, string configPath)
    {
        if (packageLabels.Count != datasetLabels.Count)
            throw new UserInputException($"{configPath}: id2label has {packageLabels.Count} labels but the test split has {datasetLabels.Count} ({string.Join(", ", datasetLabels)}).");
        if (ClassNameMatching.Order(datasetLabels, packageLabels) is { } dataIds) return dataIds;
        string Classes(IEnumerable<string> names) => "[" + string.Join(", ", names) + "]";
        throw new UserInputException($"{configPath}: id2label {Classes(packageLabels)} does not name the test split's classes {Classes(datasetLabels)}; "
            + "bench matches classes by name (in any order), so the data must use the package's class names.");
    }

    public void Dispose()
    {
        foreach (var v in Variants) v.Session.Dispose();
        Variants.Clear();
    }
}
