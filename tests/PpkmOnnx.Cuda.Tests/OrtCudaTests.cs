using PpkmOnnx.Core;
using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cuda.Tests;

/// <summary>ONNX Runtime's CUDA execution provider classifies as the CPU provider does.</summary>
[Trait("Category", "Cuda")]
public sealed class OrtCudaTests
{
    private static readonly string[] Texts =
    [
        "ppkm bagus",
        "kasus corona naik lagi di jakarta!",
        "warga tidak suka pasar sepi",
        "bantuan sosial sangat bagus, senang",
        "pemerintah kerja lagi?",
        "vaksin di rumah aja",
    ];

    /// <summary>
    /// Opens the package with CUDA explicitly; an explicit request that cannot be met throws
    /// <see cref="UserInputException"/> wrapping ONNX Runtime's error (no CUDA 13 / cuDNN libraries, no GPU), which skips the
    /// test with its message.
    /// </summary>
    private static SentimentClassifier LoadOnCudaOrSkip(string folder)
    {
        try
        {
            return SentimentClassifier.Load(folder, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cuda });
        }
        catch (UserInputException e) when (e.InnerException is OnnxRuntimeException)
        {
            throw new SkipException($"SentimentClassifier.Load with ExecutionProvider=Cuda refused: {e.Message} " +
                "(Microsoft.ML.OnnxRuntime.Gpu.Linux needs an NVIDIA GPU plus CUDA 13 and cuDNN 9 libraries on the loader path.)");
        }
    }

    [SkippableFact]
    public void Cuda_provider_classifies_like_the_cpu_provider()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = TinyPackage.Create(seed: 4);
        package.WriteTo(temp.Path);
        using var cuda = LoadOnCudaOrSkip(temp.Path);
        Assert.Equal(SentimentClassifier.CudaProviderName, cuda.ExecutionProvider);
        using var cpu = SentimentClassifier.Load(temp.Path, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
        Assert.Equal(SentimentClassifier.CpuProviderName, cpu.ExecutionProvider);

        var onGpu = cuda.Classify(Texts);
        var onCpu = cpu.Classify(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(onCpu[i].Label, onGpu[i].Label);
            Assert.True(onCpu[i].Logits.Zip(onGpu[i].Logits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, $"logits of '{Texts[i]}' differ between CPU and CUDA");
            // And both against the package's own C# computation of its logits.
            var expected = package.ExpectedLogits(temp.Path, Texts[i]);
            Assert.True(expected.Zip(onGpu[i].Logits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, $"CUDA logits of '{Texts[i]}' differ from the reference");
        }
    }

    [Fact]
    public void Auto_provider_reports_the_provider_it_really_uses()
    {
        // Runs everywhere: auto falls back to CPU with the same results and says so.
        using var temp = TestPaths.NewTempFolder();
        var package = TinyPackage.Create(seed: 5);
        package.WriteTo(temp.Path);
        using var auto = SentimentClassifier.Load(temp.Path, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Auto });
        Assert.Contains(auto.ExecutionProvider, new[] { SentimentClassifier.CpuProviderName, SentimentClassifier.CudaProviderName });
        bool cudaUsable;
        try
        {
            using var cuda = SentimentClassifier.Load(temp.Path, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cuda });
            cudaUsable = true;
        }
        catch (UserInputException e) when (e.InnerException is OnnxRuntimeException)
        {
            cudaUsable = false;
        }
        Assert.Equal(cudaUsable ? SentimentClassifier.CudaProviderName : SentimentClassifier.CpuProviderName, auto.ExecutionProvider);
        var result = auto.Classify(Texts[0]);
        var expected = package.ExpectedLogits(temp.Path, Texts[0]);
        Assert.True(expected.Zip(result.Logits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4);
    }
}
