using PpkmOnnx.Runtime;

namespace PpkmOnnx.Server.Api;

/// <summary>POST /v1/classify answer: per input, every label with its probability, most probable first.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Variant">Variant (fp32, int8, int8-static, fp16).</param>
/// <param name="Provider">Execution provider used.</param>
/// <param name="LatencyMs">Time from request parsed to results ready, in milliseconds.</param>
/// <param name="Predictions">One list per input, in input order (text-embeddings-inference <c>/predict</c> shape).</param>
public sealed record ClassifyResponse(string Model, string Variant, string Provider, double LatencyMs, IReadOnlyList<IReadOnlyList<LabelScore>> Predictions);
