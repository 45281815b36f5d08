using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Packaging;

/// <summary>Each package fact read through <see cref="ModelPackage"/> from hand-written package files.</summary>
public class ModelPackageTests
{
    private static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bagus", "buruk"];

    private static string Package(TempFolder temp, string? config, string? tokenizerConfig = """{"do_lower_case": true, "model_max_length": 64}""")
    {
        var folder = temp.Combine("package");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        if (config is not null) File.WriteAllText(Path.Combine(folder, "config.json"), config);
        if (tokenizerConfig is not null) File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), tokenizerConfig);
        return folder;
    }

    private static Dictionary<string, string> Metadata(params (string Key, string Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void Labels_come_from_id2label_in_id_order_whatever_the_key_order()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, """{"model_type": "bert", "architectures": ["BertForSequenceClassification"], "id2label": {"2": "positive", "0": "negative", "1": "neutral"}}""");
        Assert.Equal(["negative", "neutral", "positive"], ModelPackage.Read(folder).Labels);
    }

    [Fact]
    public void Labels_of_config_json_win_over_the_onnx_metadata_which_is_the_fallback()
    {
        using var temp = TestPaths.NewTempFolder();
        var meta = Metadata((ModelPackageLayout.MetadataLabels, """["a", "b"]"""));
        var withConfig = Package(temp, """{"id2label": {"0": "neg", "1": "pos"}, "architectures": ["BertForSequenceClassification"]}""");
        Assert.Equal(["neg", "pos"], ModelPackage.Read(withConfig, meta).Labels);
        File.Delete(Path.Combine(withConfig, "config.json"));
        Assert.Equal(["a", "b"], ModelPackage.Read(withConfig, meta).Labels);
        Assert.Empty(ModelPackage.Read(withConfig).Labels);
    }

    [Fact]
    public void Placeholder_labels_without_a_classification_head_mean_no_labels()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, """{"id2label": {"0": "LABEL_0", "1": "LABEL_1"}}""");
        Assert.Empty(ModelPackage.Read(folder).Labels);
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"id2label": {"0": "LABEL_0", "1": "LABEL_1"}, "architectures": ["BertForSequenceClassification"]}""");
        Assert.Equal(["LABEL_0", "LABEL_1"], ModelPackage.Read(folder).Labels);
    }

    [Theory]
    [InlineData("""{"id2label": {"0": "neg", "1": null}}""", "id2label.1", "is null")]
    [InlineData("""{"id2label": {"0": "neg", "1": 7}}""", "id2label.1", "must be a string")]
    [InlineData("""{"id2label": {"0": "neg", "x": "pos"}}""", "id2label", "is not a class id")]
    [InlineData("""{"id2label": {"0": "neg", "2": "pos"}}""", "id2label", "ids must be 0..1")]
    [InlineData("""{"id2label": ["neg", "pos"]}""", "id2label", "must be an object")]
    [InlineData("""{"model_type": 3}""", "model_type", "must be a string")]
    [InlineData("""{"model_type": "roberta"}""", "model_type", "unsupported")]
    [InlineData("""{"max_position_embeddings": "512"}""", "max_position_embeddings", "must be an integer")]
    public void A_mistyped_field_is_a_user_error_naming_the_file_and_the_field(string config, string field, string problem)
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, config);
        var e = Assert.Throws<UserInputException>(() => ModelPackage.Read(folder));
        Assert.Equal(Path.Combine(folder, "config.json"), e.FilePath);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Config_json_that_is_not_json_is_a_user_error_naming_the_file()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, "{ not json");
        var e = Assert.Throws<UserInputException>(() => ModelPackage.Read(folder));
        Assert.StartsWith(Path.Combine(folder, "config.json") + ": not valid JSON", e.Message);
    }

    [Fact]
    public void Max_length_is_the_exported_length_else_the_tokenizers_and_never_beyond_the_position_table()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, """{"model_type": "bert", "max_position_embeddings": 40}""");
        // No metadata: the tokenizer's model_max_length (64), cut to the 40 positions the model has.
        Assert.Equal(40, ModelPackage.Read(folder).MaxLength);
        // The ONNX file's ppkm.max_length (what export wrote) wins over the tokenizer's limit.
        Assert.Equal(24, ModelPackage.Read(folder, Metadata((ModelPackageLayout.MetadataMaxLength, "24"))).MaxLength);
        Assert.Equal(40, ModelPackage.Read(folder, Metadata((ModelPackageLayout.MetadataMaxLength, "100"))).MaxLength);
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"model_type": "bert"}""");
        Assert.Equal(64, ModelPackage.Read(folder).MaxLength);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("abc")]
    [InlineData("-5")]
    public void A_bad_max_length_in_the_metadata_names_the_model_file(string value)
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, """{"model_type": "bert"}""");
        var package = ModelPackage.Read(folder, Metadata((ModelPackageLayout.MetadataMaxLength, value)), "model.onnx");
        var e = Assert.Throws<UserInputException>(() => package.MaxLength);
        Assert.Equal($"model.onnx: metadata ppkm.max_length '{value}' is not a length of at least 2.", e.Message);
    }

    [Fact]
    public void Tokenizer_settings_come_from_tokenizer_config_else_from_the_metadata()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, """{"model_type": "bert"}""", """{"do_lower_case": false, "model_max_length": 32}""");
        var meta = Metadata((ModelPackageLayout.MetadataTokenizer, """{"do_lower_case": true, "unk_token": "[UNK]"}"""));
        var fromFiles = ModelPackage.Read(folder, meta);
        Assert.False(fromFiles.TokenizerSettings.DoLowerCase);
        Assert.Equal(32, fromFiles.TokenizerSettings.ModelMaxLength);

        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        Assert.True(ModelPackage.Read(folder, meta).TokenizerSettings.DoLowerCase);
        var bad = ModelPackage.Read(folder, Metadata((ModelPackageLayout.MetadataTokenizer, """{"do_lower_case": "yes"}""")), "model.onnx");
        var e = Assert.Throws<UserInputException>(() => bad.TokenizerSettings);
        Assert.Contains("model.onnx: metadata ppkm.tokenizer", e.Message);
        Assert.Contains("do_lower_case", e.Message);
    }

    [Fact]
    public void Model_type_comes_from_config_json_else_from_the_metadata()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, """{"model_type": "DistilBert"}""");
        var meta = Metadata((ModelPackageLayout.MetadataModelType, "bert"));
        Assert.Equal("distilbert", ModelPackage.Read(folder, meta).ModelType);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        Assert.Equal("bert", ModelPackage.Read(folder, meta).ModelType);
        Assert.Null(ModelPackage.Read(folder).ModelType);
    }

    [Fact]
    public void Variants_are_the_onnx_files_present()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, "{}");
        Assert.Empty(ModelPackage.Read(folder).Variants);
        File.WriteAllBytes(Path.Combine(folder, "model.int8.onnx"), [1]);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), [1]);
        Assert.Equal([ModelVariant.Fp32, ModelVariant.Int8], ModelPackage.Read(folder).Variants);
    }

    [Fact]
    public void Trained_max_length_comes_from_training_json_and_a_mistyped_one_is_named()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = Package(temp, "{}");
        Assert.Null(ModelPackage.TrainedMaxLength(folder));
        var path = Path.Combine(folder, "training.json");
        const string Record = """
            {"stage": "train", "status": "completed", "epochs": [],
             "hyperparameters": {"learning_rate": 2e-5, "batch_size": 16, "epochs": 3, "max_length": 96, "seed": 42}}
            """;
        File.WriteAllText(path, Record);
        Assert.Equal(96, ModelPackage.TrainedMaxLength(folder));
        File.WriteAllText(path, Record.Replace("\"max_length\": 96", "\"max_length\": \"96\""));
        var e = Assert.Throws<UserInputException>(() => ModelPackage.TrainedMaxLength(folder));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("hyperparameters.max_length", e.Field);
    }

    [Fact]
    public void Graph_inputs_are_fed_in_one_order_and_unknown_ones_are_refused()
    {
        Assert.Equal(["input_ids", "attention_mask"], ModelGraphNames.ClassifierInputs(["attention_mask", "input_ids"], "m.onnx"));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], ModelGraphNames.ClassifierInputs(["token_type_ids", "attention_mask", "input_ids"], "m.onnx"));
        Assert.Contains("no 'attention_mask' input", Assert.Throws<UserInputException>(() => ModelGraphNames.ClassifierInputs(["input_ids"], "m.onnx")).Message);
        Assert.Contains("position_ids", Assert.Throws<UserInputException>(() => ModelGraphNames.ClassifierInputs(["input_ids", "attention_mask", "position_ids"], "m.onnx")).Message);
        Assert.Equal("logits", ModelGraphNames.ClassifierOutput(["hidden", "logits"], "m.onnx"));
        Assert.Equal("scores", ModelGraphNames.ClassifierOutput(["scores"], "m.onnx"));
    }
}
