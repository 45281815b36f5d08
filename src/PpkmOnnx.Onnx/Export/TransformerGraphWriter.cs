using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using static PpkmOnnx.Core.Packaging.ModelGraphNames;
using PpkmOnnx.Onnx.Graph;
using static PpkmOnnx.Onnx.Graph.OnnxAttributes;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PpkmOnnx.Onnx.Export;

/// <summary>
/// Writes the ONNX graph of a BERT or DistilBERT encoder (plus pooler and classification head when present) from
/// <see cref="TransformerWeights"/> (tensor names from <see cref="PpkmOnnx.Core.Packaging.ModelGraphNames"/>), following the Hugging Face forward pass operation by operation so the numbers match.
/// </summary>
public static class TransformerGraphWriter
{
    /// <summary>Builds the graph into a fresh <see cref="OnnxGraphBuilder"/> (metadata is the caller's to add).</summary>
    public static OnnxGraphBuilder Write(TransformerWeights weights, GraphFlavour flavour, string graphName = "ppkm")
    {
        var b = OnnxGraphBuilder.Create(graphName, importMicrosoftDomain: flavour == GraphFlavour.Fused);
        new Writer(b, weights, flavour).Emit();
        return b;
    }

    /// <summary>The input names a model of <paramref name="architecture"/> takes.</summary>
    public static IReadOnlyList<string> InputNames(ModelArchitecture architecture) =>
        architecture == ModelArchitecture.Bert ? new[] { InputIds, AttentionMask, TokenTypeIds } : new[] { InputIds, AttentionMask };

    /// <summary>What every standard layer reads, made with the embeddings: mask bias, scalar 1, head shapes, sqrt(head size).</summary>
    private sealed record StandardShared(string MaskBias, string One, string HeadShape, string HiddenShape, string SqrtHeadSize);

    /// <summary>Emits the graph: every step takes the tensor names it reads and returns those it made (no mutable state).</summary>
    private sealed class Writer(OnnxGraphBuilder b, TransformerWeights w, GraphFlavour flavour)
    {
        private readonly ModelConfig _c = w.Config;
        private bool Bert => _c.Architecture == ModelArchitecture.Bert;
        private bool Fused => flavour == GraphFlavour.Fused;
        private float Eps => (float)_c.LayerNormEps;

        public void Emit()
        {
            b.AddInput(InputIds, DataType.Int64, BatchDim, SequenceDim);
            b.AddInput(AttentionMask, DataType.Int64, BatchDim, SequenceDim);
            if (Bert) b.AddInput(TokenTypeIds, DataType.Int64, BatchDim, SequenceDim);

            if (w.HasClassifier) ClassifierHead(Encoder(lastName: null));
            else BaseOutputs(Encoder(lastName: LastHiddenState));
        }

        /// <summary>Embeddings and every layer; the last layer's output is named <paramref name="lastName"/> when given.</summary>
        private string Encoder(string? lastName)
        {
            string? NameOf(int i) => i == w.Layers.Count - 1 ? lastName : null;
            string x;
            if (Fused)
            {
                (x, var mask) = FusedEmbeddings();
                for (int i = 0; i < w.Layers.Count; i++) x = FusedLayer(i, w.Layers[i], x, mask, NameOf(i));
            }
            else
            {
                (x, var shared) = StandardEmbeddings();
                for (int i = 0; i < w.Layers.Count; i++) x = StandardLayer(i, w.Layers[i], x, shared, NameOf(i));
            }
            if (w.Layers.Count == 0 && lastName is not null) x = b.AddNode("Identity", new[] { x }, new[] { lastName })[0];
            return x;
        }

        /// <summary>A base model's outputs: the last hidden state (<paramref name="hidden"/>) and the pooler's when it has one.</summary>
        private void BaseOutputs(string hidden)
        {
            b.AddOutput(LastHiddenState, DataType.Float, BatchDim, SequenceDim, _c.HiddenSize);
            if (w.Pooler is null) return;
            Pooler(FirstToken(hidden), PoolerOutput);
            b.AddOutput(PoolerOutput, DataType.Float, BatchDim, _c.HiddenSize);
        }

        /// <summary>The classification head on <paramref name="hidden"/>: BERT's pooler (when present), DistilBERT's pre-classifier, then logits.</summary>
        private void ClassifierHead(string hidden)
        {
            var first = FirstToken(hidden);
            string features = Bert
                ? (w.Pooler is not null ? Pooler(first, null) : first)
                : b.AddNode("Relu", new[] { Gemm(first, w.PreClassifier!, "pre_classifier", null) }, "pre_classifier_relu");
            Gemm(features, w.Classifier!, "classifier", Logits);
            b.AddOutput(Logits, DataType.Float, BatchDim, _c.NumLabels);
        }

        // ---- embeddings -------------------------------------------------------------------------------------------

        private (string Hidden, StandardShared Shared) StandardEmbeddings()
        {
            var word = b.AddNode("Gather", new[] { b.AddInitializer("embeddings.word_embeddings.weight", w.WordEmbeddings, _c.VocabSize, _c.HiddenSize), InputIds }, "word_embeddings");
            var shape = b.AddNode("Shape", new[] { InputIds }, "input_shape");
            var seqLen = b.AddNode("Gather", new[] { shape, b.AddInitializer("one_index", new long[] { 1 }) }, "sequence_length", "", Int("axis", 0));
            var positions = b.AddNode("Range", new[] { b.AddInitializer("zero_i64", new long[] { 0 }), seqLen, b.AddInitializer("one_i64", new long[] { 1 }) }, "position_ids");
            var pos = b.AddNode("Gather", new[] { b.AddInitializer("embeddings.position_embeddings.weight", w.PositionEmbeddings, _c.MaxPositionEmbeddings, _c.HiddenSize), positions }, "position_embeddings");
            string sum = word;
            if (Bert)
            {
                // Hugging Face adds token types to the words first, then positions.
                var types = b.AddNode("Gather", new[] { b.AddInitializer("embeddings.token_type_embeddings.weight", w.TokenTypeEmbeddings!, _c.TypeVocabSize, _c.HiddenSize), TokenTypeIds }, "token_type_embeddings");
                sum = b.AddNode("Add", new[] { word, types }, "word_plus_types");
            }
            sum = b.AddNode("Add", new[] { sum, pos }, "embeddings_sum");
            var x = LayerNorm(sum, w.EmbeddingNorm, "embeddings.LayerNorm", null);

            // (1 - mask) * finfo(float32).min, broadcast over heads and query positions, as transformers builds it.
            var maskFloat = b.AddNode("Cast", new[] { AttentionMask }, "mask_float", "", Int("to", (long)DataType.Float));
            var one = b.AddScalar("one_f32", 1f);
            var inverted = b.AddNode("Sub", new[] { one, maskFloat }, "mask_inverted");
            var bias = b.AddNode("Mul", new[] { inverted, b.AddScalar("float_min", float.MinValue) }, "mask_bias");
            var maskBias = b.AddNode("Unsqueeze", new[] { bias, b.AddInt64s("mask_axes", 1, 2) }, "mask_bias_4d");
            // -1 heads: layers with pruned heads have fewer, and one shape serves every layer.
            var headShape = b.AddInt64s("head_shape", 0, 0, -1, _c.HeadSize);
            var hiddenShape = b.AddInt64s("hidden_shape", 0, 0, -1);
            var sqrtHead = b.AddScalar("sqrt_head_size", MathF.Sqrt(_c.HeadSize));
            return (x, new StandardShared(maskBias, one, headShape, hiddenShape, sqrtHead));
        }

        /// <summary>ORT's fused embedding: the hidden states and the raw int32 mask the fused attention takes.</summary>
        private (string Hidden, string Mask) FusedEmbeddings()
        {
            var ids = b.AddNode("Cast", new[] { InputIds }, "input_ids_int32", "", Int("to", (long)DataType.Int32));
            string segments = Bert ? b.AddNode("Cast", new[] { TokenTypeIds }, "token_type_ids_int32", "", Int("to", (long)DataType.Int32)) : "";
            var mask = b.AddNode("Cast", new[] { AttentionMask }, "attention_mask_int32", "", Int("to", (long)DataType.Int32));
            var inputs = new[]
            {
                ids, segments,
                b.AddInitializer("embeddings.word_embeddings.weight", w.WordEmbeddings, _c.VocabSize, _c.HiddenSize),
                b.AddInitializer("embeddings.position_embeddings.weight", w.PositionEmbeddings, _c.MaxPositionEmbeddings, _c.HiddenSize),
                Bert ? b.AddInitializer("embeddings.token_type_embeddings.weight", w.TokenTypeEmbeddings!, _c.TypeVocabSize, _c.HiddenSize) : "",
                b.AddInitializer("embeddings.LayerNorm.weight", w.EmbeddingNorm.Gamma, _c.HiddenSize),
                b.AddInitializer("embeddings.LayerNorm.bias", w.EmbeddingNorm.Beta, _c.HiddenSize),
            };
            // No segment inputs for DistilBERT: ORT's EmbedLayerNormalization treats segment_ids/segment_embedding as optional.
            var outputs = new[] { b.UniqueName("embeddings"), b.UniqueName("embeddings_mask_index") };
            return (b.AddNode("EmbedLayerNormalization", inputs, outputs, OnnxGraphBuilder.MicrosoftDomain, Float("epsilon", Eps))[0], mask);
        }

        // ---- encoder layers ---------------------------------------------------------------------------------------

        private string StandardLayer(int index, EncoderLayerWeights layer, string x, StandardShared shared, string? outputName)
        {
            var p = $"layer.{index}.";
            var q = Linear(x, layer.Query, p + "query");
            var k = Linear(x, layer.Key, p + "key");
            var v = Linear(x, layer.Value, p + "value");
            var qh = SplitHeads(q, shared.HeadShape, p + "query_heads", 0, 2, 1, 3);
            var kh = SplitHeads(k, shared.HeadShape, p + "key_heads_t", 0, 2, 3, 1);
            var vh = SplitHeads(v, shared.HeadShape, p + "value_heads", 0, 2, 1, 3);
            string scores;
            if (Bert)
            {
                // BERT: (q @ k^T) / sqrt(head_size)
                scores = b.AddNode("Div", new[] { b.AddNode("MatMul", new[] { qh, kh }, p + "scores_raw"), shared.SqrtHeadSize }, p + "scores");
            }
            else
            {
                // DistilBERT scales the queries before the product.
                scores = b.AddNode("MatMul", new[] { b.AddNode("Div", new[] { qh, shared.SqrtHeadSize }, p + "query_scaled"), kh }, p + "scores");
            }
            var masked = b.AddNode("Add", new[] { scores, shared.MaskBias }, p + "scores_masked");
            var probs = b.AddNode("Softmax", new[] { masked }, p + "probs", "", Int("axis", -1));
            var context = b.AddNode("MatMul", new[] { probs, vh }, p + "context_heads");
            var merged = b.AddNode("Transpose", new[] { context }, p + "context_t", "", Ints("perm", 0, 2, 1, 3));
            merged = b.AddNode("Reshape", new[] { merged, shared.HiddenShape }, p + "context");
            var attended = Linear(merged, layer.AttentionOutput, p + "attention_output");
            var x1 = LayerNorm(b.AddNode("Add", new[] { attended, x }, p + "attention_residual"), layer.AttentionNorm, p + "attention_norm", null);
            var inner = Activation(Linear(x1, layer.Intermediate, p + "intermediate"), shared.One, p + "activation");
            var output = Linear(inner, layer.Output, p + "output");
            return LayerNorm(b.AddNode("Add", new[] { output, x1 }, p + "output_residual"), layer.OutputNorm, p + "output_norm", outputName);
        }

        private string FusedLayer(int index, EncoderLayerWeights layer, string x, string mask, string? outputName)
        {
            var p = $"layer.{index}.";
            int h = _c.HiddenSize, a = layer.Query.OutFeatures; // a = this layer's heads × head size (< h when pruned)
            // Attention's packed weight is [hidden, 3*a]: columns Q | K | V, each the transposed torch weight.
            var qkv = new float[h * 3 * a];
            var qT = layer.Query.TransposedWeight();
            var kT = layer.Key.TransposedWeight();
            var vT = layer.Value.TransposedWeight();
            for (int r = 0; r < h; r++)
            {
                Array.Copy(qT, r * a, qkv, r * 3 * a, a);
                Array.Copy(kT, r * a, qkv, r * 3 * a + a, a);
                Array.Copy(vT, r * a, qkv, r * 3 * a + 2 * a, a);
            }
            var bias = layer.Query.Bias.Concat(layer.Key.Bias).Concat(layer.Value.Bias).ToArray();
            // The mask goes in raw ([batch, sequence] int32, 0 = padding), so any padding pattern works; ORT adds
            // mask_filter_value (-10000) where transformers adds finfo.min: both underflow to exactly 0 after softmax.
            var attention = b.AddNode("Attention",
                new[] { x, b.AddInitializer(p + "attention.qkv.weight", qkv, h, 3 * a), b.AddInitializer(p + "attention.qkv.bias", bias, 3 * a), mask },
                p + "attention", OnnxGraphBuilder.MicrosoftDomain, Int("num_heads", _c.HeadsInLayer(index)));
            var projected = b.AddNode("MatMul", new[] { attention, b.AddInitializer(p + "attention_output.weight_t", layer.AttentionOutput.TransposedWeight(), a, h) }, p + "attention_output");
            var x1 = SkipLayerNorm(projected, x, layer.AttentionOutput.Bias, layer.AttentionNorm, p + "attention_norm", null);
            var inner = b.AddNode("MatMul", new[] { x1, b.AddInitializer(p + "intermediate.weight_t", layer.Intermediate.TransposedWeight(), h, _c.IntermediateSize) }, p + "intermediate");
            var intermediateBias = b.AddInitializer(p + "intermediate.bias", layer.Intermediate.Bias, _c.IntermediateSize);
            string activated = ActivationKind() switch
            {
                ActivationKindValue.Erf => b.AddNode("BiasGelu", new[] { inner, intermediateBias }, p + "activation", OnnxGraphBuilder.MicrosoftDomain),
                ActivationKindValue.Tanh => b.AddNode("FastGelu", new[] { inner, intermediateBias }, p + "activation", OnnxGraphBuilder.MicrosoftDomain),
                _ => b.AddNode("Relu", new[] { b.AddNode("Add", new[] { inner, intermediateBias }, p + "intermediate_biased") }, p + "activation"),
            };
            var output = b.AddNode("MatMul", new[] { activated, b.AddInitializer(p + "output.weight_t", layer.Output.TransposedWeight(), _c.IntermediateSize, h) }, p + "output");
            return SkipLayerNorm(output, x1, layer.Output.Bias, layer.OutputNorm, p + "output_norm", outputName);
        }

        // ---- pieces -----------------------------------------------------------------------------------------------

        private string Linear(string x, LinearWeights linear, string name)
        {
            var product = b.AddNode("MatMul", new[] { x, b.AddInitializer(name + ".weight_t", linear.TransposedWeight(), linear.InFeatures, linear.OutFeatures) }, name + "_matmul");
            return b.AddNode("Add", new[] { product, b.AddInitializer(name + ".bias", linear.Bias, linear.OutFeatures) }, name);
        }

        private string Gemm(string x, LinearWeights linear, string name, string? outputName)
        {
            var inputs = new[] { x, b.AddInitializer(name + ".weight", linear.Weight, linear.OutFeatures, linear.InFeatures), b.AddInitializer(name + ".bias", linear.Bias, linear.OutFeatures) };
            return outputName is null
                ? b.AddNode("Gemm", inputs, name, "", Int("transB", 1))
                : b.AddNode("Gemm", inputs, new[] { outputName }, "", Int("transB", 1))[0];
        }

        private string Pooler(string first, string? outputName)
        {
            var dense = Gemm(first, w.Pooler!, "pooler.dense", null);
            return outputName is null
                ? b.AddNode("Tanh", new[] { dense }, "pooler_output_internal")
                : b.AddNode("Tanh", new[] { dense }, new[] { outputName })[0];
        }

        private string FirstToken(string x) =>
            b.AddNode("Gather", new[] { x, b.AddInitializer("first_token_index", new long[] { 0 }) }, "first_token", "", Int("axis", 1));

        private string SplitHeads(string x, string headShape, string name, params long[] perm)
        {
            var reshaped = b.AddNode("Reshape", new[] { x, headShape }, name + "_reshaped");
            return b.AddNode("Transpose", new[] { reshaped }, name, "", Ints("perm", perm));
        }

        private string LayerNorm(string x, LayerNormWeights norm, string name, string? outputName)
        {
            var inputs = new[] { x, b.AddInitializer(name + ".weight", norm.Gamma, _c.HiddenSize), b.AddInitializer(name + ".bias", norm.Beta, _c.HiddenSize) };
            var attrs = new[] { Int("axis", -1), Float("epsilon", Eps) };
            return outputName is null
                ? b.AddNode("LayerNormalization", inputs, name, "", attrs)
                : b.AddNode("LayerNormalization", inputs, new[] { outputName }, "", attrs)[0];
        }

        private string SkipLayerNorm(string x, string skip, float[] bias, LayerNormWeights norm, string name, string? outputName)
        {
            var inputs = new[]
            {
                x, skip,
                b.AddInitializer(name + ".weight", norm.Gamma, _c.HiddenSize),
                b.AddInitializer(name + ".bias", norm.Beta, _c.HiddenSize),
                b.AddInitializer(name + ".input_bias", bias, _c.HiddenSize),
            };
            return b.AddNode("SkipLayerNormalization", inputs, new[] { outputName ?? b.UniqueName(name) }, OnnxGraphBuilder.MicrosoftDomain, Float("epsilon", Eps))[0];
        }

        /// <summary>The activation of <paramref name="x"/> in standard ops; <paramref name="one"/> is the shared scalar 1.</summary>
        private string Activation(string x, string one, string name)
        {
            switch (ActivationKind())
            {
                case ActivationKindValue.Erf:
                {
                    // x * 0.5 * (1 + erf(x / sqrt(2))), the exact GELU of torch.nn.functional.gelu.
                    var erf = b.AddNode("Erf", new[] { b.AddNode("Div", new[] { x, b.AddScalar("sqrt_two", MathF.Sqrt(2f)) }, name + "_scaled") }, name + "_erf");
                    var onePlus = b.AddNode("Add", new[] { erf, one }, name + "_one_plus");
                    return b.AddNode("Mul", new[] { b.AddNode("Mul", new[] { x, onePlus }, name + "_product"), b.AddScalar("half", 0.5f) }, name);
                }
                case ActivationKindValue.Tanh:
                {
                    // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
                    var cube = b.AddNode("Mul", new[] { b.AddNode("Mul", new[] { x, x }, name + "_sq"), x }, name + "_cube");
                    var inner = b.AddNode("Add", new[] { x, b.AddNode("Mul", new[] { cube, b.AddScalar("gelu_coeff", 0.044715f) }, name + "_cube_scaled") }, name + "_inner");
                    var t = b.AddNode("Tanh", new[] { b.AddNode("Mul", new[] { inner, b.AddScalar("sqrt_2_over_pi", MathF.Sqrt(2f / MathF.PI)) }, name + "_inner_scaled") }, name + "_tanh");
                    var onePlus = b.AddNode("Add", new[] { t, one }, name + "_one_plus");
                    return b.AddNode("Mul", new[] { b.AddNode("Mul", new[] { x, b.AddScalar("half", 0.5f) }, name + "_half"), onePlus }, name);
                }
                default:
                    return b.AddNode("Relu", new[] { x }, name);
            }
        }

        private ActivationKindValue ActivationKind() => _c.HiddenAct.ToLowerInvariant() switch
        {
            "gelu" => ActivationKindValue.Erf,
            "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => ActivationKindValue.Tanh,
            "relu" => ActivationKindValue.Relu,
            var other => throw new UserInputException($"config.json: activation '{other}' is not supported for export (gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu)."),
        };
    }

    private enum ActivationKindValue { Erf, Tanh, Relu }
}
