using System.Text.Json;
using System.Text.Json.Serialization;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>
/// The System.Text.Json source-generated serializer of bench.json (<see cref="BenchmarkReport"/>): camelCase names,
/// indented, NaN and ±Infinity as named literals, comments and trailing commas allowed on reading (a hand-edited file
/// reads). Strict: a <c>required</c> field or a constructor parameter must be present, a non-nullable one must not be null
/// and every value must have its field's JSON type. Read through <see cref="BenchmarkJson.Deserialize"/>, which turns a
/// violation into one message naming the file and the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BenchmarkReport))]
public sealed partial class BenchmarkJsonContext : JsonSerializerContext;
