using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Cuda.Tests;

/// <summary>TorchSharp on CUDA computes what it computes on CPU (the training stage's device switch).</summary>
[Trait("Category", "Cuda")]
public sealed class TorchCudaTests
{
    private static void RequireTorchCuda()
    {
        if (torch.cuda.is_available()) return;
        var version = typeof(torch).Assembly.GetName().Version;
        bool cudaBuild = typeof(TorchCudaTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Any(a => a.Key == "PpkmTorchCuda" && string.Equals(a.Value, "true", StringComparison.OrdinalIgnoreCase));
        throw new SkipException(cudaBuild
            ? $"torch.cuda.is_available() is false although this build links CUDA TorchSharp {version} (PpkmTorchCuda=true): no NVIDIA GPU or driver is visible to libtorch."
            : $"torch.cuda.is_available() is false: this build links libtorch-cpu-linux-x64 (TorchSharp {version}); run `dotnet test -p:PpkmTorchCuda=true` (TorchSharp-cuda-linux) on a machine with an NVIDIA GPU to check CUDA.");
    }

    private static ModelConfig TinyBert(string architecture) => new()
    {
        Architecture = architecture == "bert" ? ModelArchitecture.Bert : ModelArchitecture.DistilBert,
        VocabSize = 60,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        MaxPositionEmbeddings = 64,
        TypeVocabSize = architecture == "bert" ? 2 : 0,
        HiddenAct = "gelu",
        Labels = ["negative", "neutral", "positive"],
    };

    /// <summary>Three texts of 5, 9 and 12 tokens, padded to 12: [CLS]=2 … [SEP]=3, ids from a fixed generator.</summary>
    private static EncodedBatch PaddedBatch()
    {
        var random = new Random(17);
        int[] lengths = [5, 9, 12];
        int s = lengths.Max();
        var ids = new long[lengths.Length * s];
        var mask = new long[ids.Length];
        for (int b = 0; b < lengths.Length; b++)
            for (int t = 0; t < lengths[b]; t++)
            {
                ids[b * s + t] = t == 0 ? 2 : t == lengths[b] - 1 ? 3 : random.Next(5, 60);
                mask[b * s + t] = 1;
            }
        return new EncodedBatch(ids, mask, new long[ids.Length], lengths.Length, s);
    }

    [SkippableTheory]
    [InlineData("bert")]
    [InlineData("distilbert")]
    public void Tiny_model_forward_on_cuda_equals_the_cpu_forward(string architecture)
    {
        RequireTorchCuda();
        torch.manual_seed(11);
        using var model = SequenceClassifierFactory.Create(TinyBert(architecture));
        var batch = PaddedBatch();
        var cpuLogits = model.Logits(batch);
        var cpuHidden = model.LastHiddenState(batch);

        model.to(torch.CUDA);
        Assert.Equal(DeviceType.CUDA, model.Device.type);
        var cudaLogits = model.Logits(batch);
        var cudaHidden = model.LastHiddenState(batch);

        Assert.Equal(cpuLogits.Length, cudaLogits.Length);
        Assert.Equal(3 * 3, cudaLogits.Length);
        Assert.True(cpuLogits.Zip(cudaLogits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "logits differ between CPU and CUDA");
        Assert.True(cpuHidden.Zip(cudaHidden).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "last hidden states differ between CPU and CUDA");
        Assert.True(cpuLogits.Max(Math.Abs) > 0, "logits are all zero: the comparison would prove nothing");
    }
}
