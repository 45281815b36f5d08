using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// A BERT-family encoder with a sequence-classification head, its parameters named exactly as Hugging Face
/// transformers names them, so a checkpoint's <c>model.safetensors</c> maps one-to-one onto <see cref="NamedTensors"/>.
/// </summary>
public abstract class SequenceClassifier : nn.Module
{
    /// <summary>Creates the module; subclasses register their parameters under Hugging Face names.</summary>
    /// <param name="name">The module name.</param>
    /// <param name="config">The configuration (sizes, dropout, labels).</param>
    /// <param name="compute">How the model computes (attention, precision, dropout); fixed for the model's lifetime.</param>
    protected SequenceClassifier(string name, ModelConfig config, ModelComputeOptions compute) : base(name)
    {
        ArgumentNullException.ThrowIfNull(compute);
        compute.Validate();
        Config = config;
        Compute = compute;
    }

    /// <summary>The configuration the model was built from (labels included).</summary>
    public ModelConfig Config { get; }

    /// <summary>How the model computes: attention kernel, precision of the products, dropout masks (chosen at construction; <see cref="ModelComputeOptions.Default"/> unless asked otherwise).</summary>
    public ModelComputeOptions Compute { get; }

    /// <summary>Prefix of the base-model parameters (<c>bert.</c> or <c>distilbert.</c>).</summary>
    public abstract string BaseModelPrefix { get; }

    /// <summary>The device the parameters live on.</summary>
    public Device Device => parameters().First().device;

    /// <summary>
    /// Runs the encoder and returns the last hidden state <c>[batch, sequence, hidden]</c>. When
    /// <paramref name="hiddenStates"/> is given, the embedding output and every layer's output are appended to it
    /// (Hugging Face's <c>output_hidden_states</c>).
    /// </summary>
    /// <param name="inputIds">Token ids, int64 <c>[batch, sequence]</c>.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, int64 <c>[batch, sequence]</c>.</param>
    /// <param name="tokenTypeIds">Segment ids (ignored by DistilBERT), int64 <c>[batch, sequence]</c>.</param>
    /// <param name="hiddenStates">Optional list receiving every hidden state.</param>
    public abstract Tensor Encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, List<Tensor>? hiddenStates = null);

    /// <summary>Classification logits <c>[batch, num_labels]</c> (dropout active in training mode).</summary>
    public abstract Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds);

    /// <summary>
    /// Reference forward for other stages (export validation): logits of <paramref name="batch"/> in eval mode
    /// without gradients, row-major <c>[BatchSize, NumLabels]</c>. The module's training mode is restored afterwards.
    /// </summary>
    public float[] Logits(EncodedBatch batch) =>
        EvaluateToArray(batch, (ids, mask, types) => Forward(ids, mask, types).to(torch.float32));

    /// <summary>
    /// The encoder's last hidden state of <paramref name="batch"/> in eval mode without gradients, row-major
    /// <c>[BatchSize, SequenceLength, HiddenSize]</c> (what an exported base model outputs as <c>last_hidden_state</c>).
    /// </summary>
    public float[] LastHiddenState(EncodedBatch batch) =>
        EvaluateToArray(batch, (ids, mask, types) => Encode(ids, mask, types));

    /// <summary>Runs <paramref name="forward"/> on <paramref name="batch"/> in eval mode without gradients, restoring the training mode after.</summary>
    private float[] EvaluateToArray(EncodedBatch batch, Func<Tensor, Tensor, Tensor, Tensor> forward)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        bool wasTraining = training;
        eval();
        try
        {
            var (ids, mask, types) = ToTensors(batch, Device);
            return forward(ids, mask, types).cpu().data<float>().ToArray();
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    /// <summary>Every parameter by its Hugging Face name, copied to CPU float32 row-major arrays.</summary>
    public Dictionary<string, TensorData> NamedTensors()
    {
        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        using var scope = torch.NewDisposeScope();
        foreach (var (name, p) in named_parameters())
            result[name] = new TensorData(p.shape.ToArray(), p.detach().to(torch.float32).cpu().contiguous().data<float>().ToArray());
        return result;
    }

    /// <summary>
    /// Stops training the embeddings: every parameter under <c>{BaseModelPrefix}embeddings.</c> (the word, position and
    /// token-type tables and their LayerNorm; DistilBERT has no token types) stops requiring gradients, as
    /// <c>model.bert.embeddings.requires_grad_(False)</c> does in PyTorch. Autograd then stops at the first layer's input, and
    /// an optimizer built afterwards leaves them out, with no gradient or moment buffers for them. Returns the names frozen.
    /// </summary>
    public IReadOnlyList<string> FreezeEmbeddings()
    {
        string prefix = BaseModelPrefix + "embeddings.";
        var frozen = new List<string>();
        foreach (var (name, p) in named_parameters())
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            p.requires_grad = false;
            frozen.Add(name);
        }
        return frozen;
    }

    /// <summary>Number of trainable parameters (elements).</summary>
    public long TrainableParameterCount() => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Converts an encoded batch to int64 tensors on <paramref name="device"/>.</summary>
    public static (Tensor InputIds, Tensor AttentionMask, Tensor TokenTypeIds) ToTensors(EncodedBatch batch, Device device)
    {
        var shape = new long[] { batch.BatchSize, batch.SequenceLength };
        return (torch.tensor(batch.InputIds, shape).to(device),
                torch.tensor(batch.AttentionMask, shape).to(device),
                torch.tensor(batch.TokenTypeIds, shape).to(device));
    }

    /// <summary>Position ids <c>[1, sequence]</c> (0, 1, …) for <paramref name="inputIds"/>, on its device.</summary>
    /// <exception cref="ArgumentException">The sequence is longer than the position embeddings.</exception>
    protected Tensor PositionIds(Tensor inputIds)
    {
        long seq = inputIds.shape[1];
        if (seq > Config.MaxPositionEmbeddings)
            throw new ArgumentException($"sequence length {seq} exceeds max_position_embeddings {Config.MaxPositionEmbeddings}.", nameof(inputIds));
        return torch.arange(seq, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
    }

    /// <summary>
    /// Hugging Face's extended attention mask: <c>(1 − mask)·finfo(float32).min</c> shaped <c>[batch, 1, 1, sequence]</c>,
    /// added to the attention scores.
    /// </summary>
    protected static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype)
    {
        var m = attentionMask.to(dtype).unsqueeze(1).unsqueeze(2);
        return (1.0f - m) * float.MinValue;
    }

    /// <summary>The activation named by config.json's <c>hidden_act</c>/<c>activation</c>.</summary>
    protected internal static Tensor Activate(Tensor x, string name) => name switch
    {
        "gelu" => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => GeluTanh(x),
        "relu" => nn.functional.relu(x),
        _ => throw new UserInputException($"config.json: unsupported activation '{name}' (supported: gelu, gelu_new, gelu_pytorch_tanh, relu)."),
    };

    private static Tensor GeluTanh(Tensor x)
    {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) — Hugging Face's NewGELUActivation.
        var inner = (x + x.pow(3) * 0.044715) * Math.Sqrt(2.0 / Math.PI);
        return x * 0.5 * (inner.tanh() + 1.0);
    }

    /// <summary>
    /// Multiplicative masks for importance scoring (structured pruning), one per layer, or null in normal use. Layer i's
    /// attention probabilities are multiplied by <c>HeadMasks[i]</c> (broadcast to <c>[batch, heads, sequence, sequence]</c>,
    /// transformers' <c>head_mask</c>); the gradient of the loss with respect to a mask entry is that head's importance.
    /// </summary>
    public IReadOnlyList<Tensor>? HeadMasks { get; set; }

    /// <summary>
    /// Like <see cref="HeadMasks"/> for the feed-forward neurons: layer i's activations (after GELU/ReLU) are multiplied by
    /// <c>FfnMasks[i]</c>, broadcast to <c>[batch, sequence, intermediate]</c>.
    /// </summary>
    public IReadOnlyList<Tensor>? FfnMasks { get; set; }

    /// <summary>The feed-forward activation of layer <paramref name="layer"/>, times its <see cref="FfnMasks"/> entry when set.</summary>
    protected Tensor MaskFfn(int layer, Tensor activation) => FfnMasks is { } masks ? activation * masks[layer] : activation;

    /// <summary>
    /// <paramref name="layer"/> applied to <paramref name="x"/> in the model's <see cref="ModelComputeOptions.Precision"/>: in
    /// bfloat16, the input, weight and bias are cast down (autograd casts their gradients back to float32) and the result cast up.
    /// </summary>
    protected Tensor Dense(TorchSharp.Modules.Linear layer, Tensor x) => Compute.Precision == ComputePrecision.Float32
        ? layer.forward(x)
        : nn.functional.linear(x.to(ScalarType.BFloat16), layer.weight!.to(ScalarType.BFloat16), layer.bias?.to(ScalarType.BFloat16)).to(x.dtype);

    /// <summary>The batched product <paramref name="a"/>·<paramref name="b"/> in the model's precision, returned in <paramref name="a"/>'s type.</summary>
    private Tensor Product(Tensor a, Tensor b) => Compute.Precision == ComputePrecision.Float32
        ? a.matmul(b)
        : a.to(ScalarType.BFloat16).matmul(b.to(ScalarType.BFloat16)).to(a.dtype);

    /// <summary>
    /// The rows of <paramref name="words"/> at <paramref name="inputIds"/>. Training on the CPU with a dense gradient buffer
    /// already attached to the table (<see cref="Training.FlatAdamW"/> gives every parameter one), the lookup's backward is
    /// sparse (<see cref="SparseRowLookup"/>, libtorch's <c>sparse=True</c> gradient), and autograd adds its rows into
    /// that buffer in place. The dense backward instead fills a vocabulary × hidden zero tensor every step (47 MB for
    /// 30,522 × 384: above glibc's largest heap threshold, so mapped and page-faulted afresh each time), adds the rows into
    /// it, then adds all of it to the buffer. Both add a row's contributions in token order, so a step's gradient from
    /// zeroed buffers is the same bit for bit (tested); where the table has a second use (the masked-LM decoder tied to
    /// it) the same values are summed in another association, a float-rounding difference. Everywhere else (evaluation,
    /// no gradient buffer yet, other devices) it is the module's own lookup.
    /// </summary>
    protected Tensor EmbedWords(TorchSharp.Modules.Embedding words, Tensor inputIds)
    {
        if (!TakesSparseWordGradient(words)) return words.forward(inputIds);
        return SparseRowLookup.Apply(words.weight!, inputIds);
    }

    /// <summary>Whether <see cref="EmbedWords"/> looks <paramref name="words"/> up with the sparse backward now.</summary>
    internal bool TakesSparseWordGradient(TorchSharp.Modules.Embedding words)
    {
        if (!training || Compute.DenseWordGradients || !torch.is_grad_enabled()) return false;
        var weight = words.weight!;
        if (!weight.requires_grad || weight.device_type != DeviceType.CPU) return false;
        using var grad = weight.grad;
        return grad is not null && !grad.is_sparse;
    }

    /// <summary>
    /// Runs one encoder layer in a dispose scope of its own and hands its output to the caller's scope. Tensors the layer
    /// makes that autograd does not keep for the backward (raw scores, a dense output before its dropout, a dropout output
    /// once summed, the heads' copies before merging) are freed when the layer ends rather than when the caller's scope
    /// does, at the end of the training step: what PyTorch's reference counting does per tensor, done per layer. Autograd
    /// holds what it saved through its own references, so the arithmetic is unchanged. <paramref name="layer"/> runs at once,
    /// before this returns.
    /// </summary>
    protected static Tensor InLayerScope(Func<Tensor> layer)
    {
        using var scope = torch.NewDisposeScope();
        return layer().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Dropout with probability <paramref name="p"/> in training mode (identity in eval mode), its masks drawn as
    /// <see cref="ModelComputeOptions.Dropout"/> says.
    /// </summary>
    protected Tensor Dropout(Tensor x, double p) => !training ? x
        : Compute.Dropout == DropoutKernel.Counter ? CounterDropout.Apply(x, p)
        : Compute.NativeLibtorchDropout ? nn.functional.dropout(x, p, true)
        : LibtorchDropout.Apply(x, p);

    /// <summary>
    /// Multi-head scaled dot-product attention of layer <paramref name="layer"/>, with that layer's own head count (pruned
    /// layers have fewer): Hugging Face's eager path, or libtorch's fused kernel when <see cref="ModelComputeOptions.Attention"/> is
    /// <see cref="AttentionKernel.Fused"/> and no <see cref="HeadMasks"/> are set.
    /// </summary>
    protected Tensor Attention(int layer, Tensor query, Tensor key, Tensor value, Tensor additiveMask)
    {
        long b = query.shape[0], s = query.shape[1];
        int heads = Config.HeadsInLayer(layer), size = Config.HeadSize;
        Tensor Split(Tensor t) => t.view(b, s, heads, size).transpose(1, 2);
        var q = Split(query);
        var k = Split(key);
        var v = Split(value);
        // Head masks multiply the probabilities, which the fused kernel never materialises, so importance scoring stays eager.
        var context = Compute.Attention == AttentionKernel.Fused && HeadMasks is null
            ? FusedAttention(q, k, v, additiveMask)
            : EagerAttention(layer, q, k, v, additiveMask, size);
        return context.transpose(1, 2).reshape(b, s, heads * size);
    }

    /// <summary>Hugging Face's eager attention on <c>[batch, heads, sequence, head_size]</c> tensors.</summary>
    private Tensor EagerAttention(int layer, Tensor q, Tensor k, Tensor v, Tensor additiveMask, int headSize)
    {
        // Scaled and masked in the product's own buffer: neither op's backward reads its input, so this is the same arithmetic
        // without two more score-sized tensors a layer.
        var scores = Product(q, k.transpose(-1, -2)).div_(Math.Sqrt(headSize)).add_(additiveMask);
        var probs = nn.functional.softmax(scores, -1);
        probs = Dropout(probs, Config.AttentionProbsDropoutProb);
        if (HeadMasks is { } masks) probs = probs * masks[layer];
        return Product(probs, v);
    }

    /// <summary>
    /// libtorch's <c>scaled_dot_product_attention</c> on <c>[batch, heads, sequence, head_size]</c> tensors: its default scale
    /// is 1/√head_size and the additive mask broadcasts as in the eager path; dropout applies only in training mode.
    /// </summary>
    private Tensor FusedAttention(Tensor q, Tensor k, Tensor v, Tensor additiveMask) =>
        nn.functional.scaled_dot_product_attention(q, k, v, additiveMask, training ? Config.AttentionProbsDropoutProb : 0.0);

    /// <summary>
    /// Hugging Face's <c>_init_weights</c>: Linear and Embedding weights ~ N(0, 0.02), biases 0, padding row 0,
    /// LayerNorm weight 1 and bias 0. Applied to every parameter whose name is in <paramref name="names"/> (all when null).
    /// </summary>
    public void InitializeWeights(IReadOnlyCollection<string>? names = null)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (names is not null && !names.Contains(name)) continue;
            bool isNorm = name.Contains("LayerNorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal);
            if (isNorm) { if (name.EndsWith(".weight", StringComparison.Ordinal)) p.fill_(1.0f); else p.zero_(); }
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else
            {
                p.normal_(0.0, 0.02);
                if (name.EndsWith("word_embeddings.weight", StringComparison.Ordinal) && Config.PadTokenId >= 0 && Config.PadTokenId < p.shape[0])
                    p[Config.PadTokenId].zero_();
            }
        }
    }
}
