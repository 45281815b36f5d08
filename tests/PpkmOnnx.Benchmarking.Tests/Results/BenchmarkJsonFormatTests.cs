using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Results;

/// <summary>
/// The exact text of bench.json (camelCase, indented, NaN as a named literal, nulls written) against a document typed by
/// hand, and what the source-generated reader makes of hand-written files: documented defaults for optional fields that
/// are missing, and one error naming the file and the field for a mistyped one.
/// </summary>
public sealed class BenchmarkJsonFormatTests
{
    // Gold [negative, negative, negative, positive]. The majority baseline answers negative every time:
    // accuracy 3/4; negative: precision 3/4, recall 3/3, F1 2·0.75·1/1.75 = 6/7, support 3; positive: 0, 0, 0, support 1;
    // weighted = (3·negative + 1·positive)/4: precision 0.5625, recall 0.75, F1 (3·6/7)/4 = 9/14; macro = mean of the two:
    // precision 0.375, recall 0.5, F1 3/7. The fp32 variant gets every text right: every score 1.
    private static readonly ClassificationMetrics Majority = new()
    {
        Accuracy = 0.75, WeightedPrecision = 0.5625, WeightedRecall = 0.75, WeightedF1 = 9.0 / 14,
        MacroPrecision = 0.375, MacroRecall = 0.5, MacroF1 = 3.0 / 7,
        PerClass = [new ClassMetrics("negative", 0.75, 1, 6.0 / 7, 3), new ClassMetrics("positive", 0, 0, 0, 1)],
        ConfusionMatrix = [[3, 0], [1, 0]],
        Count = 4,
    };

    private static readonly ClassificationMetrics Perfect = new()
    {
        Accuracy = 1, WeightedPrecision = 1, WeightedRecall = 1, WeightedF1 = 1, MacroPrecision = 1, MacroRecall = 1, MacroF1 = 1,
        PerClass = [new ClassMetrics("negative", 1, 1, 1, 3), new ClassMetrics("positive", 1, 1, 1, 1)],
        ConfusionMatrix = [[3, 0], [0, 1]],
        Count = 4,
    };

    private static BenchmarkReport Small() => new()
    {
        CreatedUtc = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        Environment = new BenchmarkEnvironment
        {
            CpuModel = "cpu", LogicalProcessors = 4, InstructionSets = ["AVX2"], ExecutionProviderRequested = "cpu",
            ExecutionProvidersUsed = ["CPU"], OnnxRuntimeVersion = "1.23.0", DotNetVersion = ".NET 10.0.0", OperatingSystem = "Linux",
        },
        Settings = new BenchmarkSettings
        {
            Repeats = 2, Iterations = 3, WarmupIterations = 1, BatchSizes = [1], Sequences = ["data"], EvaluationBatchSize = 8, ChosenByQuick = ["repeats 2"],
        },
        Dataset = new DatasetSummary { Name = "test.csv", Count = 4, LabelNames = ["negative", "positive"], ClassCounts = [3, 1] },
        Baseline = new MajorityBaseline(0, "negative", Majority),
        Models =
        [
            new ModelResult
            {
                Name = "tiny", PackageFolder = "/p/tiny", ModelType = "bert", MaxLength = 16, ParameterCount = 57,
                Training = new TrainingSummary
                {
                    SourcePath = "/c/training.json", TrainableParameters = 57, TrainingSeconds = 1.5,
                    Hyperparameters = new JsonObject { ["learning_rate"] = 0.001 },
                    Epochs = [new EpochSummary(1, 0.5, 0.25, 1, 1, 1.5)],
                },
                Export = new JsonObject { ["opset"] = 17 },
                TokenLengths = new TokenLengthSummary(5.5, 5, 7, 8, 0),
                Variants =
                [
                    new VariantResult
                    {
                        Variant = "fp32", ModelFile = "model.onnx", FileSizeBytes = 1234, ParameterCount = 57, ExecutionProvider = "CPU",
                        Metrics = Perfect, EvaluationSeconds = 0.125,
                        Timings =
                        [
                            new TimingResult
                            {
                                Sequence = "data", BatchSize = 1, MeanPaddedLength = 5.5, Calls = 6, LatencyP50Ms = 0.25, LatencyP95Ms = 0.5,
                                LatencyP99Ms = double.NaN, LatencyMeanMs = 0.3, SequencesPerSecond = 4000, SequencesPerSecondPerRepeat = [3900, 4000],
                            },
                        ],
                    },
                ],
            },
        ],
    };

    private const string SmallJson = """
        {
          "schemaVersion": 1,
          "createdUtc": "2026-11-28T12:00:00+00:00",
          "title": null,
          "environment": {
            "cpuModel": "cpu",
            "logicalProcessors": 4,
            "intraOpThreads": null,
            "instructionSets": [
              "AVX2"
            ],
            "executionProviderRequested": "cpu",
            "executionProvidersUsed": [
              "CPU"
            ],
            "gpuName": null,
            "onnxRuntimeVersion": "1.23.0",
            "torchSharpVersion": null,
            "dotNetVersion": ".NET 10.0.0",
            "operatingSystem": "Linux",
            "gitCommit": null
          },
          "settings": {
            "repeats": 2,
            "iterations": 3,
            "warmupIterations": 1,
            "batchSizes": [
              1
            ],
            "sequences": [
              "data"
            ],
            "maxLength": null,
            "evaluationBatchSize": 8,
            "interleaved": true,
            "chosenByQuick": [
              "repeats 2"
            ]
          },
          "dataset": {
            "name": "test.csv",
            "count": 4,
            "labelNames": [
              "negative",
              "positive"
            ],
            "classCounts": [
              3,
              1
            ]
          },
          "baseline": {
            "labelId": 0,
            "label": "negative",
            "metrics": {
              "accuracy": 0.75,
              "weightedPrecision": 0.5625,
              "weightedRecall": 0.75,
              "weightedF1": 0.6428571428571429,
              "macroPrecision": 0.375,
              "macroRecall": 0.5,
              "macroF1": 0.42857142857142855,
              "perClass": [
                {
                  "label": "negative",
                  "precision": 0.75,
                  "recall": 1,
                  "f1": 0.8571428571428571,
                  "support": 3
                },
                {
                  "label": "positive",
                  "precision": 0,
                  "recall": 0,
                  "f1": 0,
                  "support": 1
                }
              ],
              "confusionMatrix": [
                [
                  3,
                  0
                ],
                [
                  1,
                  0
                ]
              ],
              "count": 4
            }
          },
          "models": [
            {
              "name": "tiny",
              "packageFolder": "/p/tiny",
              "modelType": "bert",
              "maxLength": 16,
              "parameterCount": 57,
              "trainableParameters": null,
              "trainingSeconds": null,
              "training": {
                "sourcePath": "/c/training.json",
                "trainableParameters": 57,
                "trainingSeconds": 1.5,
                "hyperparameters": {
                  "learning_rate": 0.001
                },
                "epochs": [
                  {
                    "epoch": 1,
                    "trainLoss": 0.5,
                    "validationLoss": 0.25,
                    "validationAccuracy": 1,
                    "validationMacroF1": 1,
                    "seconds": 1.5
                  }
                ],
                "test": null
              },
              "export": {
                "opset": 17
              },
              "quantize": null,
              "tokenLengths": {
                "mean": 5.5,
                "p50": 5,
                "p95": 7,
                "max": 8,
                "truncated": 0
              },
              "skippedVariants": [],
              "variants": [
                {
                  "variant": "fp32",
                  "modelFile": "model.onnx",
                  "fileSizeBytes": 1234,
                  "parameterCount": 57,
                  "executionProvider": "CPU",
                  "providerNote": null,
                  "metrics": {
                    "accuracy": 1,
                    "weightedPrecision": 1,
                    "weightedRecall": 1,
                    "weightedF1": 1,
                    "macroPrecision": 1,
                    "macroRecall": 1,
                    "macroF1": 1,
                    "perClass": [
                      {
                        "label": "negative",
                        "precision": 1,
                        "recall": 1,
                        "f1": 1,
                        "support": 3
                      },
                      {
                        "label": "positive",
                        "precision": 1,
                        "recall": 1,
                        "f1": 1,
                        "support": 1
                      }
                    ],
                    "confusionMatrix": [
                      [
                        3,
                        0
                      ],
                      [
                        0,
                        1
                      ]
                    ],
                    "count": 4
                  },
                  "evaluationSeconds": 0.125,
                  "timings": [
                    {
                      "sequence": "data",
                      "batchSize": 1,
                      "meanPaddedLength": 5.5,
                      "calls": 6,
                      "latencyP50Ms": 0.25,
                      "latencyP95Ms": 0.5,
                      "latencyP99Ms": "NaN",
                      "latencyMeanMs": 0.3,
                      "sequencesPerSecond": 4000,
                      "sequencesPerSecondPerRepeat": [
                        3900,
                        4000
                      ]
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    [Fact]
    public void A_report_serializes_to_the_hand_written_document_byte_for_byte()
    {
        Assert.Equal(SmallJson.ReplaceLineEndings("\n"), BenchmarkJson.Serialize(Small()));
    }

    [Fact]
    public void The_file_is_that_document_stamped_with_the_tool_and_reads_back_equal()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine(BenchmarkJson.FileName);
        BenchmarkJson.Write(Small(), path);
        // The file goes through ArtifactJson's stamp (a JSON tree written again), whose default encoder escapes every '+'
        // (the time zone's, the version's): the same text to every JSON reader, and the bytes bench.json has always had.
        var stamped = (SmallJson.ReplaceLineEndings("\n")[..^2] + $",\n  \"tool\": \"ppkm\",\n  \"tool_version\": \"{ToolInfo.Version}\"\n}}\n")
            .Replace("+", "\\u002B", StringComparison.Ordinal);
        Assert.Equal(stamped, File.ReadAllText(path));

        var read = BenchmarkJson.Read(path);
        Assert.Equal(SmallJson.ReplaceLineEndings("\n"), BenchmarkJson.Serialize(read));
        Assert.True(double.IsNaN(read.Models[0].Variants[0].Timings[0].LatencyP99Ms));
        Assert.Equal(["repeats 2"], read.Settings.ChosenByQuick);
    }

    // A bench.json that leaves out every field that may be left out; values typed by hand.
    private const string Minimal = """
        {
          // comments and trailing commas are allowed (a hand-edited file)
          "schemaVersion": 1,
          "createdUtc": "2026-01-02T03:04:05+00:00",
          "environment": { "cpuModel": "c", "logicalProcessors": 1, "instructionSets": [], "executionProviderRequested": "cpu",
                           "executionProvidersUsed": ["CPU"], "onnxRuntimeVersion": "1", "dotNetVersion": "d", "operatingSystem": "o" },
          "settings": { "repeats": 1, "iterations": 2, "warmupIterations": 0, "batchSizes": [], "sequences": [], "evaluationBatchSize": 8 },
          "dataset": { "count": 1, "labelNames": ["a"], "classCounts": [1] },
          "baseline": { "labelId": 0, "label": "a", "metrics": { "accuracy": 1, "weightedPrecision": 1, "weightedRecall": 1, "weightedF1": 1,
            "macroPrecision": 1, "macroRecall": 1, "macroF1": 1, "perClass": [], "confusionMatrix": [[1]], "count": 1 } },
          "models": [ { "name": "m", "packageFolder": "/p/m", "maxLength": 8, "parameterCount": 10,
                        "training": { "sourcePath": "/c/training.json" },
                        "tokenLengths": { "mean": 3, "p50": 3, "p95": 3, "max": 3, "truncated": 0 },
                        "variants": [], }, ],
        }
        """;

    [Fact]
    public void A_hand_written_file_without_the_optional_fields_gets_their_documented_defaults()
    {
        var report = BenchmarkJson.Deserialize(Minimal, "hand/bench.json");

        // Settable defaults survive the source-generated reader (init-only ones would be reset to null / false).
        Assert.True(report.Settings.Interleaved);
        Assert.Empty(report.Settings.ChosenByQuick);
        Assert.Empty(report.Models[0].SkippedVariants);
        Assert.Empty(report.Models[0].Training!.Epochs);
        // Optional fields that default to "not known".
        Assert.Null(report.Title);
        Assert.Null(report.Settings.MaxLength);
        Assert.Null(report.Environment.IntraOpThreads);
        Assert.Null(report.Environment.GpuName);
        Assert.Null(report.Dataset.Name);
        Assert.Null(report.Models[0].ModelType);
        Assert.Null(report.Models[0].Export);
        Assert.Null(report.Models[0].Training!.Hyperparameters);
        // And the values given.
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), report.CreatedUtc);
        Assert.Equal((1, 2, 8), (report.Settings.Repeats, report.Settings.Iterations, report.Settings.EvaluationBatchSize));
        Assert.Equal(new TokenLengthSummary(3, 3, 3, 3, 0), report.Models[0].TokenLengths);
    }

    [Theory]
    [InlineData("\"iterations\": 2", "\"iterations\": \"2\"", "settings.iterations", "must be an integer, got \"2\".")]
    [InlineData("\"mean\": 3", "\"mean\": \"three\"", "models[0].tokenLengths.mean", "must be a number, got \"three\".")]
    [InlineData("\"cpuModel\": \"c\"", "\"cpuModel\": null", "environment.cpuModel", "must not be null.")]
    [InlineData("\"createdUtc\": \"2026-01-02T03:04:05+00:00\"", "\"createdUtc\": 5", "createdUtc", "must be an ISO 8601 date and time, got 5.")]
    [InlineData("\"maxLength\": 8,", "", "models[0].maxLength", "is missing.")]
    [InlineData("\"truncated\": 0", "\"truncated\": 0.5", "models[0].tokenLengths.truncated", "must be an integer, got 0.5.")]
    // A null element of a list is refused as a null field is (ppkm report crashed on it with a NullReferenceException).
    [InlineData("\"variants\": [], }, ],", "\"variants\": [], }, null, ],", "models[1]", "must not be null.")]
    [InlineData("\"variants\": [], }", "\"variants\": [null], }", "models[0].variants[0]", "must not be null.")]
    [InlineData("\"labelNames\": [\"a\"]", "\"labelNames\": [null]", "dataset.labelNames[0]", "must not be null.")]
    [InlineData("\"confusionMatrix\": [[1]]", "\"confusionMatrix\": [[1], null]", "baseline.metrics.confusionMatrix[1]", "must not be null.")]
    public void A_mistyped_or_missing_field_is_one_error_naming_the_file_and_the_field(string field, string replacement, string name, string problem)
    {
        Assert.Contains(field, Minimal);
        var e = Assert.Throws<UserInputException>(() => BenchmarkJson.Deserialize(Minimal.Replace(field, replacement), "hand/bench.json"));
        Assert.Equal($"hand/bench.json: {name}: {problem}", e.Message);
        Assert.Equal(("hand/bench.json", name), (e.FilePath, e.Field));
    }
}
