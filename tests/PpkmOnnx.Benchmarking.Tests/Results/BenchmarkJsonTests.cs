using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Results;

public class BenchmarkJsonTests
{
    [Fact]
    public void Write_then_read_gives_back_an_equal_report()
    {
        using var temp = TestPaths.NewTempFolder();
        var original = SampleReports.Create();
        var path = temp.Combine("out", BenchmarkJson.FileName);
        BenchmarkJson.Write(original, path);
        var read = BenchmarkJson.Read(path);

        Assert.Equal(BenchmarkJson.Serialize(original), BenchmarkJson.Serialize(read));
        Assert.Equal(BenchmarkReport.CurrentSchemaVersion, read.SchemaVersion);
        Assert.Equal(original.CreatedUtc, read.CreatedUtc);
        Assert.Equal(original.Environment with { InstructionSets = read.Environment.InstructionSets, ExecutionProvidersUsed = read.Environment.ExecutionProvidersUsed }, read.Environment);
        Assert.Equal(["AVX2", "FMA"], read.Environment.InstructionSets);
        var fp32 = read.Models[0].FindVariant("fp32")!;
        Assert.Equal(original.Models[0].Variants[0].Metrics.ConfusionMatrix, fp32.Metrics.ConfusionMatrix);
        Assert.Equal(original.Models[0].Variants[0].Metrics.PerClass, fp32.Metrics.PerClass);
        Assert.Equal(10.0 / 12, fp32.Metrics.Accuracy, 15);
        Assert.Equal(original.Models[0].Variants[0].Timings[3] with { SequencesPerSecondPerRepeat = fp32.Timings[3].SequencesPerSecondPerRepeat }, fp32.Timings[3]);
        Assert.Equal(original.Models[0].Variants[0].Timings[3].SequencesPerSecondPerRepeat, fp32.Timings[3].SequencesPerSecondPerRepeat);
        Assert.Equal(3, read.Models[0].Training!.Epochs.Count);
        Assert.Equal(original.Models[0].Training!.Epochs[1], read.Models[0].Training!.Epochs[1]);
        Assert.True(JsonNode.DeepEquals(original.Models[0].Export, read.Models[0].Export));
        Assert.Null(read.Models[0].Quantize);
        Assert.Null(read.Models[0].FindVariant("int8-static"));
        Assert.DoesNotContain(Directory.GetFiles(temp.Combine("out")), f => f.Contains(".tmp-", StringComparison.Ordinal));
    }

    [Fact]
    public void The_document_uses_the_documented_camel_case_names()
    {
        var json = JsonNode.Parse(BenchmarkJson.Serialize(SampleReports.Create()))!.AsObject();
        Assert.Equal(1, json["schemaVersion"]!.GetValue<int>());
        var variant = json["models"]![0]!["variants"]![0]!;
        Assert.Equal("fp32", variant["variant"]!.GetValue<string>());
        Assert.NotNull(variant["metrics"]!["weightedF1"]);
        Assert.NotNull(variant["metrics"]!["confusionMatrix"]);
        Assert.NotNull(variant["timings"]![0]!["latencyP95Ms"]);
        Assert.NotNull(json["environment"]!["executionProvidersUsed"]);
        Assert.NotNull(json["baseline"]!["metrics"]!["accuracy"]);
    }

    [Fact]
    public void A_newer_schema_version_is_refused_by_name()
    {
        var json = JsonNode.Parse(BenchmarkJson.Serialize(SampleReports.Create()))!.AsObject();
        json["schemaVersion"] = 99;
        var e = Assert.Throws<UserInputException>(() => BenchmarkJson.Deserialize(json.ToJsonString(), "x/bench.json"));
        Assert.Contains("x/bench.json", e.Message);
        Assert.Contains("schemaVersion 99", e.Message);
    }

    [Fact]
    public void Malformed_documents_name_the_file_and_the_problem()
    {
        var notJson = Assert.Throws<UserInputException>(() => BenchmarkJson.Deserialize("{\n  \"schemaVersion\": 1,\n  oops\n}", "b.json"));
        Assert.Contains("b.json", notJson.Message);
        Assert.Contains("line 3", notJson.Message);

        var noVersion = Assert.Throws<UserInputException>(() => BenchmarkJson.Deserialize("{}", "b.json"));
        Assert.Contains("schemaVersion", noVersion.Message);

        var json = JsonNode.Parse(BenchmarkJson.Serialize(SampleReports.Create()))!.AsObject();
        json.Remove("models");
        var missing = Assert.Throws<UserInputException>(() => BenchmarkJson.Deserialize(json.ToJsonString(), "b.json"));
        Assert.Contains("models", missing.Message);

        using var temp = TestPaths.NewTempFolder();
        Assert.Throws<UserInputException>(() => BenchmarkJson.Read(temp.Combine("absent.json")));
    }
}
