using System.Text.Json.Serialization;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// The System.Text.Json source-generated serializer of ppkm's typed records: snake_case names (as the files have always
/// had), indented, and strict: a <c>required</c> field must be present, a non-nullable one must not be null, and every
/// value must have its field's JSON type. Read through <see cref="PpkmOnnx.Core.Checkpoints.ArtifactJson.Read{T}"/>, which
/// turns a violation into one message naming the file and the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TrainingRecord))]
[JsonSerializable(typeof(ExportRecord))]
[JsonSerializable(typeof(QuantizeRecord))]
[JsonSerializable(typeof(PruneFileRecord))]
[JsonSerializable(typeof(AdaptRecord))]
[JsonSerializable(typeof(EpochRecord))]
[JsonSerializable(typeof(TrainingHyperparametersRecord))]
[JsonSerializable(typeof(ClassificationMetrics))]
public sealed partial class ArtifactRecordJsonContext : JsonSerializerContext;
