namespace PpkmOnnx.Core.Packaging;

/// <summary>
/// The on-disk layout of a model package written by <c>ppkm export</c> and <c>ppkm quantize</c>:
/// <code>
/// package/
///   model.onnx                fp32 graph (inputs input_ids, attention_mask[, token_type_ids]: int64 [batch, sequence];
///                             output logits: float [batch, num_labels])
///   model.int8.onnx           INT8 dynamic
///   model.int8-static.onnx    INT8 static (QDQ)
///   model.fp16.onnx           FP16 (float32 I/O)
///   config.json               Hugging Face config with id2label/label2id
///   vocab.txt, tokenizer_config.json, tokenizer.json (Hugging Face fast tokenizer, for transformers.js and tokenizers)
///   export.json, quantize.json
/// </code>
/// ONNX <c>metadata_props</c> repeat what a bare model.onnx needs to be served: see the <c>Metadata*</c> keys.
/// </summary>
public static class ModelPackageLayout
{
    /// <summary>config.json.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>export.json: how the package was exported and validated.</summary>
    public const string ExportReportFile = "export.json";
    /// <summary>quantize.json: the variants made and their accuracy checks.</summary>
    public const string QuantizeReportFile = "quantize.json";
    /// <summary>metadata_props key: JSON array of label names by class id.</summary>
    public const string MetadataLabels = "ppkm.labels";
    /// <summary>metadata_props key: maximum sequence length the model was trained/exported for.</summary>
    public const string MetadataMaxLength = "ppkm.max_length";
    /// <summary>metadata_props key: <c>bert</c> or <c>distilbert</c>.</summary>
    public const string MetadataModelType = "ppkm.model_type";
    /// <summary>metadata_props key: the tokenizer settings as JSON (do_lower_case, strip_accents, special tokens).</summary>
    public const string MetadataTokenizer = "ppkm.tokenizer";
    /// <summary>metadata_props key: graph flavour, <c>standard</c> or <c>fused</c>.</summary>
    public const string MetadataGraph = "ppkm.graph";
    /// <summary>metadata_props key: the variant (<see cref="VariantName"/>).</summary>
    public const string MetadataVariant = "ppkm.variant";

    /// <summary>The variant's short name: fp32, int8, int8-static, fp16.</summary>
    public static string VariantName(ModelVariant variant) => variant switch
    {
        ModelVariant.Fp32 => "fp32",
        ModelVariant.Int8 => "int8",
        ModelVariant.Int8Static => "int8-static",
        ModelVariant.Fp16 => "fp16",
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    /// <summary>Parses a variant name (case-insensitive).</summary>
    /// <exception cref="UserInputException">Unknown name; the message lists the valid ones.</exception>
    public static ModelVariant ParseVariant(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => ModelVariant.Fp32,
        "int8" or "int8-dynamic" or "dynamic" => ModelVariant.Int8,
        "int8-static" or "static" => ModelVariant.Int8Static,
        "fp16" or "float16" => ModelVariant.Fp16,
        _ => throw new UserInputException($"unknown model variant '{name}' (expected fp32, int8, int8-static or fp16)."),
    };

    /// <summary>The ONNX file name of a variant inside a package.</summary>
    public static string ModelFileName(ModelVariant variant) =>
        variant == ModelVariant.Fp32 ? "model.onnx" : $"model.{VariantName(variant)}.onnx";

    /// <summary>The ONNX file of a variant inside <paramref name="packageFolder"/>.</summary>
    public static string ModelPath(string packageFolder, ModelVariant variant) => Path.Combine(packageFolder, ModelFileName(variant));

    /// <summary>The variants whose files exist in <paramref name="packageFolder"/>.</summary>
    public static IReadOnlyList<ModelVariant> AvailableVariants(string packageFolder) =>
        Enum.GetValues<ModelVariant>().Where(v => File.Exists(ModelPath(packageFolder, v))).ToList();

    /// <summary>
    /// Checks that <paramref name="folder"/> is a model package (holds at least one variant's ONNX file). A training
    /// checkpoint (model.safetensors, no ONNX file) is named as such, with the command that turns it into a package.
    /// </summary>
    /// <exception cref="UserInputException">No such folder, a checkpoint folder, or a folder without any model*.onnx.</exception>
    public static void RequirePackage(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model package folder not found.");
        if (AvailableVariants(folder).Any()) return;
        if (File.Exists(Path.Combine(folder, "model.safetensors")))
            throw new UserInputException($"{folder}: this is a training checkpoint (model.safetensors), not a model package; make one with 'ppkm export {folder} -o PACKAGE'.");
        throw new UserInputException($"{folder}: not a model package (no model.onnx or other model*.onnx); make one with 'ppkm export CHECKPOINT -o PACKAGE'.");
    }
}
